/**
 * Scenario 6 (and `npm run bench:notifications` alone): 1,000 completion notifications through the outbox,
 * the queue and the delivery workers to the sandbox's Bot Connector (rate limits on), all in one tenant, on
 * loopback.
 *
 *   npm run bench:notifications -- [--recipients 1000] [--processes 1]
 *
 * --processes N runs the delivery workers in N processes of their own (as `npm run worker` does), pinned to
 * the server core; 0 runs them in this process. Stops by itself (2 minutes at most); alone, it exits 1 if
 * anything was lost or duplicated, a limit was broken, or the time is over budget.
 */
import { execFileSync } from 'node:child_process';
import { mostInAnyWindow, NotificationWorld, waitUntil } from '../tests/support/notificationWorld';
import { startRedisServer, type RunningRedis } from '../tests/support/redisServer';
import { SERVER_CORE } from './servers';

const TENANT_LIMIT_PER_SECOND = 50;
export const NOTIFICATION_BUDGET_RATIO = 1.2;
const DEADLINE_MS = 120_000;

export interface NotificationFigures {
  recipients: number;
  processes: number;
  delivered: number;
  lost: number;
  duplicated: number;
  throttled: number;
  tenantPeakPerSecond: number;
  conversationPeak: number;
  firstMessageS: number;
  tookS: number;
  /** N / 50 per second: the steady-state minimum the tenant limit allows. */
  minimumS: number;
  /** The last can leave (ceil(N / 50) - 1) s after the first when the first window is full. */
  slidingMinimumS: number;
  ratio: number;
  achievedPerSecond: number;
  withinLimits: boolean;
}

export async function runNotificationBench(options: {
  recipients: number;
  processes: number;
  redisUrl: string;
}): Promise<NotificationFigures> {
  const world = await NotificationWorld.start({ redisUrl: options.redisUrl });
  try {
    // The requester, Managers with the app installed personally, and subscribed channels: one tenant.
    const managers = Math.floor((options.recipients - 1) / 5);
    const audience = await world.seedAudience({ managers, channels: options.recipients - 1 - managers });
    if (options.processes === 0) await world.startNotifications();
    else
      for (let i = 0; i < options.processes; i++) {
        const worker = await world.spawnWorker();
        // The workers are the server under test here: on the server core, away from the load and the sandbox.
        execFileSync('taskset', ['-a', '-p', '-c', String(SERVER_CORE), String(worker.pid)], {
          stdio: 'ignore',
        });
      }

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
    return figures(
      world,
      audience.recipients.map((r) => r.conversationId),
      options.processes,
      committed,
      last,
    );
  } finally {
    await world.close();
  }
}

function figures(
  world: NotificationWorld,
  expected: string[],
  processes: number,
  committed: number,
  last: number,
): NotificationFigures {
  const sends = world.sends();
  const perConversation = new Map<string, number>();
  for (const o of sends)
    perConversation.set(o.conversationId, (perConversation.get(o.conversationId) ?? 0) + 1);
  const times = sends.map((o) => o.at);
  const first = Math.min(...times);
  const tenantPeakPerSecond = mostInAnyWindow(times, 1_000);
  const throttled = world.sandbox.connector.throttled().length;
  // Teams allows about 50 sends per second per app per tenant. At that rate N messages take N / 50 s; a
  // sliding window lets the first 50 go at once, so the last can at best leave (N / 50 - 1) s after the first.
  const n = expected.length;
  const minimumS = n / TENANT_LIMIT_PER_SECOND;
  const tookS = (last - committed) / 1000;
  return {
    recipients: n,
    processes,
    delivered: perConversation.size,
    lost: expected.filter((id) => !perConversation.has(id)).length,
    duplicated: [...perConversation.values()].filter((count) => count > 1).length,
    throttled,
    tenantPeakPerSecond,
    conversationPeak: Math.max(...perConversation.values()),
    firstMessageS: (first - committed) / 1000,
    tookS,
    minimumS,
    slidingMinimumS: Math.ceil(n / TENANT_LIMIT_PER_SECOND) - 1,
    ratio: tookS / minimumS,
    achievedPerSecond: n / ((last - first) / 1000),
    withinLimits: tenantPeakPerSecond <= TENANT_LIMIT_PER_SECOND && throttled === 0,
  };
}

export function notificationsPass(f: NotificationFigures): boolean {
  return f.lost === 0 && f.duplicated === 0 && f.withinLimits && f.ratio <= NOTIFICATION_BUDGET_RATIO;
}

function print(f: NotificationFigures): void {
  const rows: [string, string][] = [
    ['recipients (conversations)', String(f.recipients)],
    ['delivered', String(f.delivered)],
    ['lost', String(f.lost)],
    ['duplicated', String(f.duplicated)],
    ['429 answered by the connector', String(f.throttled)],
    ['most sends in any 1 s (tenant, limit 50)', String(f.tenantPeakPerSecond)],
    ['most sends into one conversation', String(f.conversationPeak)],
    ['commit -> first message', `${f.firstMessageS.toFixed(2)} s`],
    ['commit -> last message', `${f.tookS.toFixed(2)} s`],
    [
      'minimum the limits allow',
      `${f.minimumS.toFixed(2)} s (${f.recipients} / 50 per s); ${f.slidingMinimumS} s first-to-last with a full first window`,
    ],
    [
      `ratio to the minimum (budget ${NOTIFICATION_BUDGET_RATIO})`,
      `${f.ratio.toFixed(3)} x (${(f.tookS / f.slidingMinimumS).toFixed(3)} x the first-to-last bound)`,
    ],
    ['achieved rate', `${f.achievedPerSecond.toFixed(1)} per s between first and last`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\nNotification fan-out, one tenant, Teams' rate limits enforced by the sandbox connector\n`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  const ok = notificationsPass(f);
  console.log(
    `\n  ${ok ? 'PASS' : 'FAIL'}: 0 lost, 0 duplicated, within the limits, <= ${NOTIFICATION_BUDGET_RATIO} x the minimum time\n`,
  );
  if (!ok) process.exitCode = 1;
}

async function main(): Promise<void> {
  let redis: RunningRedis | undefined;
  if (!process.env.REDIS_URL) redis = await startRedisServer();
  try {
    print(
      await runNotificationBench({
        recipients: numberArg('--recipients', 1_000),
        processes: numberArg('--processes', 1),
        redisUrl: redis?.url ?? (process.env.REDIS_URL as string),
      }),
    );
  } finally {
    await redis?.stop();
  }
}

function numberArg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number`);
  return value;
}

if (require.main === module) {
  main()
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    })
    .finally(() => {
      // Nothing should be left running; if something is, the bench still ends.
      setTimeout(() => process.exit(), 1_000).unref();
    });
}
