/**
 * npm run bench: 1,000 completion notifications through the outbox, the queue and the delivery workers to the
 * sandbox's Bot Connector (rate limits on), all in one tenant, on loopback.
 *
 *   npm run bench -- [--recipients 1000] [--processes 1]
 *
 * --processes N runs the delivery workers in N processes of their own (as `npm run worker` does); 0 runs them
 * in this process. Stops by itself (2 minutes at most); exits 1 if anything was lost or duplicated, a limit
 * was broken, or the time is over budget.
 */
import { mostInAnyWindow, NotificationWorld, waitUntil } from '../tests/support/notificationWorld';
import { startRedisServer, type RunningRedis } from '../tests/support/redisServer';

const TENANT_LIMIT_PER_SECOND = 50;
const BUDGET_RATIO = 1.2;
const DEADLINE_MS = 120_000;

async function main(): Promise<void> {
  const recipients = numberArg('--recipients', 1_000);
  const processes = numberArg('--processes', 1);
  let redis: RunningRedis | undefined;
  if (!process.env.REDIS_URL) {
    redis = await startRedisServer();
    process.env.REDIS_URL = redis.url;
  }
  const world = await NotificationWorld.start();
  try {
    // The requester, Managers with the app installed personally, and subscribed channels: one tenant.
    const managers = Math.floor((recipients - 1) / 5);
    const audience = await world.seedAudience({ managers, channels: recipients - 1 - managers });
    if (processes === 0) await world.startNotifications();
    else for (let i = 0; i < processes; i++) await world.spawnWorker();

    const committed = Date.now();
    await world.completeRequest(world.owner(audience.requester), audience.requestChat.conversationId);
    await waitUntil(
      () => new Set(world.sends().map((o) => o.conversationId)).size >= audience.recipients.length,
      DEADLINE_MS,
      'every recipient to be told',
    ).catch((err: unknown) => console.error(String(err)));
    const last = Math.max(...world.sends().map((o) => o.at));
    // Anything sent twice would arrive after the last first message: wait for it.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    report(
      world,
      audience.recipients.map((r) => r.conversationId),
      committed,
      last,
    );
  } finally {
    await world.close();
    await redis?.stop();
  }
}

function report(world: NotificationWorld, expected: string[], committed: number, last: number): void {
  const sends = world.sends();
  const perConversation = new Map<string, number>();
  for (const o of sends)
    perConversation.set(o.conversationId, (perConversation.get(o.conversationId) ?? 0) + 1);
  const lost = expected.filter((id) => !perConversation.has(id)).length;
  const duplicated = [...perConversation.values()].filter((n) => n > 1).length;
  const times = sends.map((o) => o.at);
  const first = Math.min(...times);
  const tenantPeak = mostInAnyWindow(times, 1_000);
  const conversationPeak = Math.max(...[...perConversation.values()]);
  const throttled = world.sandbox.connector.throttled().length;

  // Teams allows about 50 sends per second per app per tenant. At that rate N messages take N / 50 s; a
  // sliding window lets the first 50 go at once, so the last can at best leave (N / 50 - 1) s after the first.
  const n = expected.length;
  const steadyMinimumS = n / TENANT_LIMIT_PER_SECOND;
  const slidingMinimumS = Math.ceil(n / TENANT_LIMIT_PER_SECOND) - 1;
  const tookS = (last - committed) / 1000;
  const ratio = tookS / steadyMinimumS;

  const rows: [string, string][] = [
    ['recipients (conversations)', String(n)],
    ['delivered', String(perConversation.size)],
    ['lost', String(lost)],
    ['duplicated', String(duplicated)],
    ['429 answered by the connector', String(throttled)],
    ['most sends in any 1 s (tenant, limit 50)', String(tenantPeak)],
    ['most sends into one conversation', String(conversationPeak)],
    ['commit -> first message', `${((first - committed) / 1000).toFixed(2)} s`],
    ['commit -> last message', `${tookS.toFixed(2)} s`],
    [
      'minimum the limits allow',
      `${steadyMinimumS.toFixed(2)} s (${n} / 50 per s); ${slidingMinimumS} s first-to-last with a full first window`,
    ],
    [
      'ratio to the minimum (budget 1.2)',
      `${ratio.toFixed(3)} x (${(tookS / slidingMinimumS).toFixed(3)} x the first-to-last bound)`,
    ],
    ['achieved rate', `${(n / ((last - first) / 1000)).toFixed(1)} per s between first and last`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\nNotification fan-out, one tenant, Teams' rate limits enforced by the sandbox connector\n`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  const ok =
    lost === 0 &&
    duplicated === 0 &&
    tenantPeak <= TENANT_LIMIT_PER_SECOND &&
    throttled === 0 &&
    ratio <= BUDGET_RATIO;
  console.log(
    `\n  ${ok ? 'PASS' : 'FAIL'}: 0 lost, 0 duplicated, within the limits, <= ${BUDGET_RATIO} x the minimum time\n`,
  );
  if (!ok) process.exitCode = 1;
}

function numberArg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number`);
  return value;
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    // Nothing should be left running; if something is, the bench still ends.
    setTimeout(() => process.exit(), 1_000).unref();
  });
