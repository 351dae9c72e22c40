import type { LogLine } from '../support/testLog';
import { captureLog, type CapturedLog } from '../support/testLog';
import { oauthLink } from '../support/teamsChannel';
import { startWorld, type World } from '../support/world';

const BOT_PASSWORD = 'sandbox-secret';

describe('the logs an operator reads (JSON lines, real server, sandbox, Redis queue)', () => {
  let world: World | undefined;
  let captured: CapturedLog;
  beforeEach(() => {
    captured = captureLog();
  });
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  const turns = () => captured.lines().filter((l) => l.msg === 'turn');

  it('one line per activity: its correlation id, type, command or verb, outcome and duration, and no code or token', async () => {
    world = await startWorld({ log: captured.log });
    const nestor = world.teams.user('Nestor Wilke');
    const chat = world.teams.personalChat(nestor);
    const channel = world.teams.channelThread();
    await world.teams.post(world.teams.activity(nestor, chat, { type: 'installationUpdate', action: 'add' }));
    await world.teams.say(nestor, channel, 'notify here');

    const [prompt] = await world.teams.say(nestor, chat, 'associate tenant');
    const code = await world.sandbox.tokenService.chooseAccount(oauthLink(prompt)!, 'alex@contoso.com');
    const [review] = await world.teams.say(nestor, chat, code);
    expect((await world.teams.press(nestor, chat, review!, 'confirm')).status).toBe(200);
    await world.teams.say(nestor, chat, 'what is this?');

    expect(turns().map((t) => [t.activityType, t.conversationType, t.command ?? t.verb, t.outcome])).toEqual([
      ['installationUpdate', 'personal', undefined, 'handled'],
      ['message', 'channel', 'notifyHere', 'handled'],
      ['message', 'personal', 'associate', 'handled'],
      ['message', 'personal', 'magicCode', 'handled'],
      ['invoke', 'personal', 'confirm', 'handled'],
      ['message', 'personal', 'unknown', 'handled'],
    ]);
    for (const turn of turns()) {
      expect(turn).toMatchObject({ level: 'info', status: 200, correlationId: expect.any(String) });
      expect(turn.durationMs).toEqual(expect.any(Number));
    }
    expect(new Set(turns().map((t) => t.correlationId)).size).toBe(turns().length);
    expect(turns()[4]).toMatchObject({ invoke: 'adaptiveCard/action', verb: 'confirm' });

    // The association is announced in the subscribed channel: a line per delivery, under its own id.
    const delivered = await waitFor('the delivery line', () =>
      captured.lines().find((l) => l.msg === 'delivery' && l.outcome === 'delivered'),
    );
    expect(delivered).toMatchObject({ event: 'completed', conversationType: 'channel' });
    expect(delivered.deliveryId).toEqual(expect.stringContaining('|'));
    expect(delivered.correlationId).toBeUndefined();

    // What a person typed after the command word, the code they typed, and every credential stay out.
    const text = captured.text();
    expect(text).not.toContain(code);
    expect(text).not.toContain('what is this');
    expect(text).not.toContain(BOT_PASSWORD);
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
    expect(text).not.toMatch(/bearer /i);
  });

  it('a turn that fails says so, and the error is logged under the same correlation id', async () => {
    world = await startWorld({ log: captured.log });
    const nestor = world.teams.user('Nestor Wilke');
    const chat = world.teams.personalChat(nestor);
    world.sandbox.graph.faults.push({
      path: '/v1.0/organization',
      status: 503,
      retryAfterSeconds: 0,
      times: 10,
    });
    const [prompt] = await world.teams.say(nestor, chat, 'associate tenant');
    const code = await world.sandbox.tokenService.chooseAccount(oauthLink(prompt)!, 'alex@contoso.com');
    await world.teams.say(nestor, chat, code);

    const failed = turns().find((t) => t.command === 'magicCode');
    expect(failed).toMatchObject({ outcome: 'failed', status: 200 });
    const errors = captured.lines().filter((l) => l.level === 'error');
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error.correlationId).toBe(failed?.correlationId);
    expect(captured.text()).not.toContain(code);
  });

  it('forged and malformed requests are logged as such, before any bot logic', async () => {
    world = await startWorld({ log: captured.log });
    const nestor = world.teams.user('Nestor Wilke');
    const chat = world.teams.personalChat(nestor);
    const forged = await world.teams.post(
      world.teams.activity(nestor, chat, { type: 'message', text: 'help' }),
      'Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.',
    );
    expect(forged.status).toBe(401);
    const malformed = await fetch(`${world.app.origin}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: '123456' }),
    });
    expect(malformed.status).toBe(400);

    expect(turns().map((t) => [t.status, t.outcome])).toEqual([
      [401, 'unauthorized'],
      [400, 'malformed'],
    ]);
    expect(captured.text()).not.toContain('eyJhbGciOiJub25lIn0');
    expect(captured.text()).not.toContain('123456');
  });
});

async function waitFor(what: string, probe: () => LogLine | undefined, timeoutMs = 15_000): Promise<LogLine> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
