import { ManualClock } from '../support/coreFixtures';
import { reviewCardFor, signInAs } from '../support/flows';
import { startRedisServer } from '../support/redisServer';
import { cardOf, oauthLink, visibleText } from '../support/teamsChannel';
import { startWorld, type World } from '../support/world';

describe('faults and expiry', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('Graph throttling (429 with Retry-After) is retried and the user never notices', async () => {
    world = await startWorld();
    const nestor = world.teams.user('Nestor Wilke');
    world.sandbox.graph.faults.push({
      path: '/v1.0/organization',
      status: 429,
      retryAfterSeconds: 1,
      times: 2,
    });
    const review = await reviewCardFor(world, nestor, world.teams.personalChat(nestor), 'alex@contoso.com');
    expect(visibleText(review)).toContain('Contoso Ltd');
    expect(world.sandbox.graph.faults).toEqual([]);
  });

  it('Graph down after retries: a clear message, nothing associated, and the next attempt works', async () => {
    world = await startWorld();
    const nestor = world.teams.user('Nestor Wilke');
    const chat = world.teams.personalChat(nestor);
    world.sandbox.graph.faults.push({
      path: '/v1.0/organization',
      status: 503,
      retryAfterSeconds: 0,
      times: 10,
    });
    const replies = await signInAs(world, nestor, chat, 'alex@contoso.com');
    expect(replies.map(visibleText).join()).toContain("Microsoft Graph didn't answer");
    expect(replies.some((a) => cardOf(a))).toBe(false);

    world.sandbox.graph.faults.length = 0;
    const review = await reviewCardFor(world, nestor, chat, 'alex@contoso.com');
    expect(visibleText(review)).toContain('Contoso Ltd');
  });

  it('Redis gone: the user is told to try again, and the bot recovers when Redis returns', async () => {
    const redis = await startRedisServer();
    world = await startWorld({ env: { REDIS_URL: redis.url } });
    const nestor = world.teams.user('Nestor Wilke');
    const chat = world.teams.personalChat(nestor);
    const review = await reviewCardFor(world, nestor, chat, 'alex@contoso.com');

    await redis.stop();
    const [down] = await world.teams.say(nestor, chat, 'associate tenant');
    expect(down?.text).toContain("I can't reach my storage right now, so nothing was changed");
    const pressed = await world.teams.press(nestor, chat, review, 'confirm');
    expect(pressed.status).toBe(200);
    expect(JSON.stringify(pressed.body)).toContain("I can't reach my storage right now");
    expect((await fetch(`${world.app.origin}/readyz`)).status).toBe(503);

    // Redis comes back (empty: it kept nothing on disk); the bot reconnects by itself and serves turns,
    // reading and writing conversation state again.
    const back = await startRedisServer(redis.port);
    try {
      await waitUntil(async () => (await fetch(`${world!.app.origin}/readyz`)).status === 200);
      const [help] = await world.teams.say(nestor, chat, 'help');
      expect(help?.text).toContain('**associate tenant**');
    } finally {
      await world.close();
      world = undefined;
      await back.stop();
    }
  });

  it('a code the token service hands out again, minutes later, completes that later sign-in too', async () => {
    world = await startWorld({ magicCode: () => '424242' });
    const nestor = world.teams.user('Nestor Wilke');
    const chat = world.teams.personalChat(nestor);
    const first = await reviewCardFor(world, nestor, chat, 'alex@contoso.com');
    await world.teams.press(nestor, chat, first, 'confirm');

    const [prompt] = await world.teams.say(nestor, chat, 'associate another tenant');
    const code = await world.sandbox.tokenService.chooseAccount(oauthLink(prompt)!, 'grady@fabrikam.com');
    expect(code).toBe('424242');
    const [review] = await world.teams.say(nestor, chat, code);
    expect(visibleText(review)).toContain('Fabrikam, Inc.');
  });

  it('a request not confirmed within its lifetime expires and says so', async () => {
    const clock = new ManualClock(new Date());
    world = await startWorld({ clock, env: { REQUEST_LIFETIME_MINUTES: '30' } });
    const nestor = world.teams.user('Nestor Wilke');
    const chat = world.teams.personalChat(nestor);
    const review = await reviewCardFor(world, nestor, chat, 'alex@contoso.com');
    clock.advance(31 * 60 * 1000);
    const pressed = JSON.stringify((await world.teams.press(nestor, chat, review, 'confirm')).body);
    expect(pressed).toContain('This request expired before it was confirmed');
    expect(JSON.stringify(cardOf(world.teams.current(review.id, chat)))).toContain(
      'expired before it was confirmed',
    );
    const listed = (await world.teams.say(nestor, chat, 'tenants')).map(visibleText).join();
    expect(listed).not.toContain('Contoso');
  });

  it('Teams completing the sign-in with signin/verifyState shows the review card, once, however often it is delivered', async () => {
    world = await startWorld({ verifyState: true });
    const nestor = world.teams.user('Nestor Wilke');
    const chat = world.teams.personalChat(nestor);
    const [prompt] = await world.teams.say(nestor, chat, 'associate tenant');
    const code = await world.sandbox.tokenService.chooseAccount(oauthLink(prompt)!, 'alex@contoso.com');
    const review = await world.sandbox.connector.waitFor(
      (a) => a.conversation.id === chat.id && cardOf(a) !== undefined,
      5000,
    );
    expect(visibleText(review)).toContain('Contoso Ltd');
    expect(world.sandbox.tokenService.verifyStateDeliveries().map((d) => d.status)).toEqual([200]);

    // Teams retries the same invoke; typing the code as well changes nothing either.
    const again = await world.teams.invoke(nestor, chat, 'signin/verifyState', { state: code });
    expect(again.status).toBe(200);
    await world.teams.say(nestor, chat, code);
    expect(world.teams.replies(chat).filter((a) => cardOf(a))).toHaveLength(1);
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
