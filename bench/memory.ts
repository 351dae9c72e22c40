/**
 * Scenario 5: the bot process's resident memory after 10,000 completed association flows, in three rounds.
 * After a warm-up (code loaded and compiled, pools and caches filled) and after each round, the bench reads
 * the RSS as the system sees it, then forces a full GC through the inspector and reads RSS and the V8 heap
 * again: growth of what is left after a GC, round over round, is what a leak looks like.
 */
import { deploymentOf } from './deployment';
import { seatsFor } from './flow';
import { flowsFor } from './flows';
import { collectGarbage, INSPECT_FLAG, inspectorUrl } from './inspector';
import type { ProfileWindows } from './profiles';
import { startBot } from './servers';
import type { Stage } from './stage';

export interface MemoryReading {
  /** Completed flows so far, warm-up included. */
  flows: number;
  rssBytes: number;
  /** V8 heap in use and reserved, before the GC. */
  heapUsedBytes: number;
  heapTotalBytes: number;
  rssAfterGcBytes: number;
  heapAfterGcBytes: number;
}

export interface MemoryFigures {
  flows: number;
  users: number;
  warmupFlows: number;
  /** After the warm-up, then after each round. */
  readings: MemoryReading[];
  /** Growth of RSS after GC, each round over the previous one, as a fraction. */
  growth: number[];
  flowsPerSecond: number;
  seconds: number;
  failures: number;
}

/** The sandbox keeps every activity; flows are run in chunks with a forget in between, so it stays small. */
const CHUNK = 500;
const SETTLE_MS = 1_000;

export async function measureMemory(
  stage: Stage,
  options: {
    flows: number;
    rounds: number;
    users: number;
    warmupFlows: number;
    /** A safety stop: no new chunk of flows starts after this long (the verdict then says how many ran). */
    maxSeconds: number;
    profiles: ProfileWindows;
  },
): Promise<MemoryFigures> {
  const prefix = stage.prefix('memory');
  const started = performance.now();
  const server = await startBot(stage, 'bot-memory', {
    prefix,
    profile: options.profiles.enabled,
    nodeArgs: [INSPECT_FLAG],
  });
  try {
    const inspector = await inspectorUrl(server.logFile);
    const deployment = deploymentOf(stage, server, prefix);
    const seats = seatsFor(deployment, stage.managers.slice(0, options.users));
    let failures = 0;
    let completed = 0;
    const overdue = () => (performance.now() - started) / 1000 > options.maxSeconds;
    // A rare failed flow is reported and the run goes on (see FlowFigures.failures); many mean something broke.
    const broken = () => failures > Math.max(10, completed / 100);
    const run = async (count: number): Promise<number> => {
      let done = 0;
      while (done < count && !broken() && !overdue()) {
        const figures = await flowsFor(deployment, seats, { count: Math.min(CHUNK, count - done) });
        stage.sandbox.connector.clear();
        done += figures.flows;
        failures += figures.failures;
      }
      completed += done;
      return done;
    };
    const read = async (): Promise<MemoryReading> => {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const rssBytes = server.rssBytes();
      const { before, after } = await collectGarbage(inspector);
      return {
        flows: completed,
        rssBytes,
        heapUsedBytes: before.usedBytes,
        heapTotalBytes: before.totalBytes,
        rssAfterGcBytes: server.rssBytes(),
        heapAfterGcBytes: after.usedBytes,
      };
    };
    await run(options.warmupFlows);
    const readings = [await read()];
    let measuredFlows = 0;
    const measuring = performance.now();
    for (let round = 0; round < options.rounds && !broken() && !overdue(); round++) {
      const count = Math.ceil((options.flows - measuredFlows) / (options.rounds - round));
      measuredFlows += await options.profiles.around(server, () => run(count));
      const reading = await read();
      readings.push(reading);
      console.log(
        `  memory round ${round + 1}: ${measuredFlows} flows, RSS ${mb(reading.rssBytes)}, after GC ` +
          `${mb(reading.rssAfterGcBytes)} (heap ${mb(reading.heapAfterGcBytes)})`,
      );
    }
    const measuredSeconds = (performance.now() - measuring) / 1000;
    return {
      flows: measuredFlows,
      users: options.users,
      warmupFlows: options.warmupFlows,
      readings,
      growth: readings.slice(2).map((r, i) => r.rssAfterGcBytes / readings[i + 1].rssAfterGcBytes - 1),
      flowsPerSecond: measuredFlows / measuredSeconds,
      seconds: (performance.now() - started) / 1000,
      failures,
    };
  } finally {
    await server.stop();
  }
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
