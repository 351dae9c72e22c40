import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../support/freePort';
import type { LogLine } from '../support/testLog';
import { cardOf, oauthLink, TeamsChannel, type Conversation } from '../support/teamsChannel';
import { startWorld, type World } from '../support/world';

const ROOT = join(__dirname, '..', '..');
/** What SHUTDOWN_DELAY_SECONDS gives the load balancer here: long enough to watch readiness at 503. */
const DELAY_SECONDS = 2;
/** How long the connector holds each reply, so turns are still in flight when the listener closes. */
const REPLY_HELD_MS = 1000;
/** Longer than the stop takes to reach the notification workers, shorter than a send may take. */
const NOTIFICATION_HELD_MS = 5000;
/** Generous: the delay, the turns in hand, the delivery held back, BullMQ's and Redis's close. */
const EXIT_BOUND_MS = 30_000;

interface Turn {
  conversation: Conversation;
  sentAt: number;
  doneAt?: number;
  /** The HTTP status, or why there was none (the listener had closed). */
  answer?: number | string;
}

interface Probe {
  at: number;
  answer: number | 'refused';
  status?: string;
}

/**
 * The bot as production runs it (`bot/index.ts`, inbound auth on, Redis, the queue in the process) in a
 * child process, stopped with SIGTERM while Teams keeps sending turns and a notification is being delivered.
 */
describe('SIGTERM (the bot in a process of its own, sandbox connector, Redis queue)', () => {
  let world: World;
  let bot: ChildProcess | undefined;
  afterEach(async () => {
    if (bot && bot.exitCode === null && bot.signalCode === null) bot.kill('SIGKILL');
    await world.sandbox.close();
  });

  it('readiness goes 503 before the listener closes, every turn accepted is answered, the delivery in hand is made, and it exits 0', async () => {
    // The world provides the deployment (sandbox, configuration, Redis keys); its own bot steps aside.
    world = await startWorld({ env: { NOTIFICATION_WORKERS: 'off' } });
    await world.app.close();
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const child = spawn(
      process.execPath,
      [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'bot/index.ts'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          ...world.env,
          PORT: String(port),
          NOTIFICATION_WORKERS: 'in-process',
          SHUTDOWN_DELAY_SECONDS: String(DELAY_SECONDS),
          LOG_LEVEL: 'info',
          // No env file of a developer's checkout: the test's configuration only.
          ENV_NAME: 'graceful-shutdown-test',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    bot = child;
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
    );
    await until(
      async () => (await fetch(`${origin}/readyz`).catch(() => undefined))?.status === 200,
      () => {
        if (child.exitCode !== null) throw new Error(`The bot exited at start:\n${output}`);
      },
    );

    const teams = new TeamsChannel(world.sandbox, origin, world.env.BOT_ID);
    const nestor = teams.user('Nestor Wilke');
    const channel = teams.channelThread();
    expect((await teams.say(nestor, channel, 'notify here'))[0]?.text).toContain(
      'this conversation will hear',
    );

    // A notification on its way when the signal comes: the connector holds the channel's message back.
    const personal = teams.personalChat(nestor);
    const [prompt] = await teams.say(nestor, personal, 'associate tenant');
    const code = await world.sandbox.tokenService.chooseAccount(oauthLink(prompt)!, 'alex@contoso.com');
    const [review] = await teams.say(nestor, personal, code);
    const channelRoot = { ...channel, id: channel.channelId };
    const heldNotification = {
      method: 'POST',
      path: `/v3/conversations/${encodeURIComponent(channelRoot.id)}/activities`,
      delayMs: NOTIFICATION_HELD_MS,
    };
    world.sandbox.connector.faults.push(heldNotification);
    expect((await teams.press(nestor, personal, review!, 'confirm')).status).toBe(200);

    // Teams keeps sending turns throughout, each in a chat of its own, each reply held back a while.
    const turns: Turn[] = [];
    const probes: Probe[] = [];
    let watching = true;
    const sending = (async () => {
      while (watching) {
        const conversation = teams.personalChat(nestor);
        world.sandbox.connector.faults.push({
          method: 'POST',
          path: `/v3/conversations/${encodeURIComponent(conversation.id)}/activities`,
          delayMs: REPLY_HELD_MS,
        });
        const turn: Turn = { conversation, sentAt: Date.now() };
        turns.push(turn);
        void teams.post(teams.activity(nestor, conversation, { type: 'message', text: 'help' })).then(
          (delivery) => Object.assign(turn, { answer: delivery.status, doneAt: Date.now() }),
          (error: Error & { cause?: { code?: string } }) =>
            Object.assign(turn, { answer: error.cause?.code ?? error.message, doneAt: Date.now() }),
        );
        await sleep(100);
      }
    })();
    const probing = (async () => {
      while (watching) {
        const at = Date.now();
        const response = await fetch(`${origin}/readyz`).catch(() => undefined);
        probes.push(
          response
            ? { at, answer: response.status, status: ((await response.json()) as { status: string }).status }
            : { at, answer: 'refused' },
        );
        await sleep(50);
      }
    })();

    await until(async () => !world.sandbox.connector.faults.includes(heldNotification));
    await sleep(500);
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const exit = await Promise.race([exited, giveUp(EXIT_BOUND_MS + 10_000)]);
    watching = false;
    await Promise.all([sending, probing]);
    await until(async () => turns.every((t) => t.answer !== undefined));

    // It exited by itself, cleanly, within the bound.
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit!.at - signalledAt).toBeLessThan(EXIT_BOUND_MS);

    // Readiness: ready, then 503 "stopping" while the listener still answered, then nothing.
    const after = probes.filter((p) => p.at > signalledAt).map((p) => p.answer);
    expect(after.join(' ')).toMatch(/^(200 )*(503 )+(refused ?)+$/);
    expect(probes.filter((p) => p.answer === 503).every((p) => p.status === 'stopping')).toBe(true);
    const listenerClosedAt = probes.find((p) => p.answer === 'refused')!.at;

    // Every turn was either accepted and answered, or never accepted: no connection, no HTTP error (Teams
    // sends those again, to another process).
    const accepted = turns.filter((t) => t.answer === 200);
    for (const turn of turns.filter((t) => t.answer !== 200)) expect(typeof turn.answer).toBe('string');
    for (const turn of accepted)
      expect(
        teams
          .replies(turn.conversation)
          .map((a) => a.text ?? '')
          .join(),
      ).toContain('**associate tenant**');
    expect(accepted.filter((t) => t.sentAt > signalledAt).length).toBeGreaterThan(0);
    expect(
      accepted.filter((t) => t.sentAt < listenerClosedAt && t.doneAt! > listenerClosedAt).length,
    ).toBeGreaterThan(0);

    // The notification held back when the signal came was delivered, once, after the listener had closed.
    const notified = teams
      .replies(channelRoot)
      .filter((a) => JSON.stringify(cardOf(a) ?? {}).includes('Contoso'));
    expect(notified).toHaveLength(1);
    const sent = world.sandbox.connector
      .operations()
      .find((o) => o.kind === 'send' && o.conversationId === channelRoot.id);
    expect(sent!.at).toBeGreaterThan(listenerClosedAt);

    // The operator's view: the steps in order, one line per accepted turn, no error on the way out.
    const lines = output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
    const steps = lines.map((l) => l.msg).filter((m) => m.startsWith('stop'));
    expect(steps).toEqual(['stopping: readiness is 503', 'stopping: the listener closes', 'stopped']);
    expect(lines.filter((l) => l.msg === 'turn' && l.command === 'help' && l.status === 200)).toHaveLength(
      accepted.length,
    );
    expect(lines.find((l) => l.msg === 'delivery' && l.outcome === 'delivered')).toBeDefined();
    expect(lines.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
  }, 90_000);
});

/** Resolves undefined after `ms`, without keeping the test process alive. */
function giveUp(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(condition: () => Promise<boolean>, check: () => void = () => undefined): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    check();
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}
