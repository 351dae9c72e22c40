import { startRedisServer, type RunningRedis } from '../support/redisServer';
import { startWorld, type World } from '../support/world';

interface Readiness {
  status: number;
  body: { status: string; redis: string; queue: string };
}

describe('/readyz names what the bot depends on (real server, private redis-server)', () => {
  let world: World | undefined;
  const servers: RunningRedis[] = [];
  afterEach(async () => {
    await world?.close();
    world = undefined;
    for (const server of servers.splice(0)) await server.stop();
  });

  it('watched through a Redis outage: Redis and the queue go down, readiness is 503, and both come back', async () => {
    const redis = await startRedisServer();
    servers.push(redis);
    world = await startWorld({ env: { REDIS_URL: redis.url } });
    expect(await ready(world)).toEqual({ status: 'ready', redis: 'up', queue: 'up' });

    await redis.stop();
    const seen: Readiness[] = [];
    await until(world, seen, (r) => r.body.redis === 'down' && r.body.queue === 'down');
    expect(seen.at(-1)).toEqual({
      status: 503,
      body: { status: 'unavailable', redis: 'down', queue: 'down' },
    });

    // Redis returns on the same port: the bot's connections find it by themselves.
    servers.push(await startRedisServer(redis.port));
    await until(world, seen, (r) => r.status === 200);
    expect(seen.at(-1)?.body).toEqual({ status: 'ready', redis: 'up', queue: 'up' });
    // Never ready while either was down, whichever noticed first.
    for (const r of seen) if (r.body.redis !== 'up' || r.body.queue !== 'up') expect(r.status).toBe(503);

    const nestor = world.teams.user('Nestor Wilke');
    const [help] = await world.teams.say(nestor, world.teams.personalChat(nestor), 'help');
    expect(help?.text).toContain('**associate tenant**');
  });

  it('a bot process that leaves the deliveries to `npm run worker` does not wait for a queue', async () => {
    world = await startWorld({ env: { NOTIFICATION_WORKERS: 'off' } });
    expect(await ready(world)).toEqual({ status: 'ready', redis: 'up', queue: 'not used' });
  });

  it('answers 503 "stopping" once the process is told to stop, and still serves the turns sent meanwhile', async () => {
    world = await startWorld();
    await ready(world);
    world.app.stopTakingWork();
    expect(await readiness(world)).toEqual({
      status: 503,
      body: { status: 'stopping', redis: 'up', queue: 'up' },
    });
    const nestor = world.teams.user('Nestor Wilke');
    const [help] = await world.teams.say(nestor, world.teams.personalChat(nestor), 'help');
    expect(help?.text).toContain('**associate tenant**');
  });
});

async function readiness(world: World): Promise<Readiness> {
  const response = await fetch(`${world.app.origin}/readyz`);
  return { status: response.status, body: (await response.json()) as Readiness['body'] };
}

/** Its body once it is ready: the queue's connections come up in the background once the bot listens. */
async function ready(world: World): Promise<Readiness['body']> {
  const seen: Readiness[] = [];
  await until(world, seen, (r) => r.status === 200);
  return seen.at(-1)!.body;
}

/** Polls /readyz, keeping every answer in `seen`, until `done` holds for one (at most 20 s). */
async function until(world: World, seen: Readiness[], done: (r: Readiness) => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await readiness(world);
    seen.push(r);
    if (done(r)) return;
    if (Date.now() > deadline) throw new Error(`/readyz never got there: ${JSON.stringify(seen.slice(-3))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
