/**
 * The bot under fuzzing: `startApp` as `npm start` runs it (its notification workers in the process), in a
 * process of its own started with --expose-gc, answering its parent over IPC only (nothing is added to the
 * bot's HTTP surface). It keeps what a fuzz run asserts about a process from the inside: unhandled
 * rejections and uncaught exceptions (recorded instead of ending the process, so a run reports them all),
 * the built-in prototypes as they were before the first request, and its memory after a full collection.
 */
import { Writable } from 'node:stream';
import { startApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { createLogger } from '../../bot/log';

export type ProbeRequest = { probe: 'state' } | { probe: 'stop' };

export interface ProbeAnswer {
  rssBytes: number;
  heapUsedBytes: number;
  /** Each unhandled rejection and uncaught exception since the start. */
  faults: string[];
  /** `Prototype.name`: what was added to, changed on or removed from a built-in prototype. */
  pollution: string[];
  /** What a fresh object reads for the keys the fuzz tries to plant on Object.prototype. */
  plantedReads: Record<string, unknown>;
}

/** The property names the fuzz's payloads try to plant on a prototype. */
export const PLANTED_KEYS = ['fuzzPolluted', 'isAdmin', 'roles', 'polluted', 'manager'];

const faults: string[] = [];
process.on('unhandledRejection', (reason) => faults.push(`unhandledRejection: ${describe(reason)}`));
process.on('uncaughtException', (error) => faults.push(`uncaughtException: ${describe(error)}`));

const PROTOTYPES: [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
  ['Number.prototype', Number.prototype],
  ['Boolean.prototype', Boolean.prototype],
  ['RegExp.prototype', RegExp.prototype],
  ['Date.prototype', Date.prototype],
  ['Promise.prototype', Promise.prototype],
  ['Error.prototype', Error.prototype],
  ['Map.prototype', Map.prototype],
  ['Set.prototype', Set.prototype],
];

type Snapshot = Map<string, PropertyDescriptor>;

function snapshot(target: object): Snapshot {
  return new Map(
    Reflect.ownKeys(target).map((key) => [String(key), Object.getOwnPropertyDescriptor(target, key)!]),
  );
}

/** Taken before the app loads anything that reads a request. */
const baseline = PROTOTYPES.map(([name, target]) => [name, target, snapshot(target)] as const);

function pollution(): string[] {
  const changed: string[] = [];
  for (const [name, target, before] of baseline) {
    const now = snapshot(target);
    for (const [key, descriptor] of now) {
      const was = before.get(key);
      const same =
        was &&
        was.value === descriptor.value &&
        was.get === descriptor.get &&
        was.set === descriptor.set &&
        was.writable === descriptor.writable &&
        was.enumerable === descriptor.enumerable &&
        was.configurable === descriptor.configurable;
      if (!same) changed.push(`${name}.${key}`);
    }
    for (const key of before.keys()) if (!now.has(key)) changed.push(`${name}.${key} (removed)`);
  }
  return changed;
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}\n${value.stack ?? ''}`;
  try {
    return JSON.stringify(value)?.slice(0, 2000) ?? String(value);
  } catch {
    return String(value);
  }
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('Start the fuzzed bot with --expose-gc');
  // The real logger at its most talkative, so logging every fuzzed turn is exercised too; the lines go
  // nowhere unless TEST_LOG asks to watch them.
  const log = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (process.env.TEST_LOG) process.stderr.write(chunk);
        done();
      },
    }),
  });
  const app = await startApp(loadConfig(process.env), { log });
  process.on('message', (message: ProbeRequest) => {
    if (message.probe === 'stop') {
      void app.close().then(() => process.exit(0));
      return;
    }
    gc();
    gc();
    const memory = process.memoryUsage();
    const fresh: Record<string, unknown> = {};
    const probe = {} as Record<string, unknown>;
    for (const key of PLANTED_KEYS) if (probe[key] !== undefined) fresh[key] = describe(probe[key]);
    const answer: ProbeAnswer = {
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      faults: [...faults],
      pollution: pollution(),
      plantedReads: fresh,
    };
    process.send?.(answer);
  });
  process.send?.({ ready: app.origin });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
