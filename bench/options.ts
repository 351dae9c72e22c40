/** `npm run bench -- [options]`: which scenarios, and how long each measures. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SCENARIOS, type ScenarioName } from './results';

export interface BenchOptions {
  only: ScenarioName[];
  /** Seconds of load per measured point of the turn scenario. */
  turnSeconds: number;
  /** Seconds of load before a server's first measured point. */
  warmupSeconds: number;
  concurrency: number[];
  flowSeconds: number;
  flowUsers: number;
  memoryFlows: number;
  memoryUsers: number;
  memoryMaxSeconds: number;
  roundTripTurns: number;
  confirmClicks: number;
  notificationRecipients: number;
  profile: boolean;
  /** How bot processes run: compiled JavaScript as in production (default), or bot/index.ts through tsx. */
  runtime: 'compiled' | 'tsx';
  /** Interleaved rounds of the turn scenario; each point reports its best. */
  turnRounds: number;
  /** Another checkout (say, a copy with an optimisation) whose bot is measured beside this one's. */
  compare?: string;
  /** Node flags for bot processes: by default those `npm run start:prod` runs the bot with. */
  botNodeOptions: string[];
  /** Where latest.json and latest.md go (default bench/results). */
  out?: string;
}

export const USAGE = `npm run bench -- [--only ${SCENARIOS.join(',')}] [--quick] [--profile]
  [--turn-seconds 2.5] [--warmup-seconds 2] [--concurrency 1,10,50] [--flow-seconds 10] [--flow-users 10]
  [--turn-rounds 2] [--memory-flows 10000] [--memory-users 10] [--memory-max-seconds 360]
  [--round-trip-turns 10] [--confirm-clicks 50]
  [--recipients 1000] [--runtime compiled|tsx] [--compare /path/to/other/checkout] [--bot-node-options="--flag …"]
  [--out bench/results]

  --quick     short runs for development (2 s points, 600 memory flows, 200 notifications)
  --profile   run every server under test with node --cpu-prof and summarise the measured stretches
  --runtime   compiled (default): the bot compiled to JavaScript, as npm run start:prod runs it; tsx: bot/index.ts
              through the tsx loader (about 40 MB more resident memory)
  --compare   measure another checkout's bot/ and cards/ (e.g. a copy with an optimisation) beside this one,
              interleaved, in the turn and flow scenarios (rows marked "candidate")`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'turn-seconds': { type: 'string' },
      'warmup-seconds': { type: 'string' },
      concurrency: { type: 'string' },
      'flow-seconds': { type: 'string' },
      'flow-users': { type: 'string' },
      'memory-flows': { type: 'string' },
      'memory-users': { type: 'string' },
      'memory-max-seconds': { type: 'string' },
      'round-trip-turns': { type: 'string' },
      'confirm-clicks': { type: 'string' },
      recipients: { type: 'string' },
      'turn-rounds': { type: 'string' },
      runtime: { type: 'string', default: 'compiled' },
      compare: { type: 'string' },
      'bot-node-options': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick;
  const number = (name: keyof typeof values, full: number, short: number): number => {
    const raw = values[name];
    if (raw === undefined) return quick ? short : full;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  const only = (values.only?.split(',') ?? [...SCENARIOS]).map((s) => s.trim());
  const unknown = only.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown.length)
    throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
  return {
    only: only as ScenarioName[],
    turnSeconds: number('turn-seconds', 2.5, 1.5),
    warmupSeconds: number('warmup-seconds', 2, 1),
    concurrency: (values.concurrency ?? '1,10,50').split(',').map(Number),
    flowSeconds: number('flow-seconds', 10, 4),
    flowUsers: number('flow-users', 10, 10),
    memoryFlows: number('memory-flows', 10_000, 600),
    memoryUsers: number('memory-users', 10, 10),
    memoryMaxSeconds: number('memory-max-seconds', 360, 120),
    roundTripTurns: number('round-trip-turns', 10, 3),
    confirmClicks: number('confirm-clicks', 50, 50),
    notificationRecipients: number('recipients', 1_000, 200),
    profile: values.profile,
    runtime: runtimeOf(values.runtime),
    turnRounds: number('turn-rounds', 2, 1),
    ...(values.compare ? { compare: resolve(values.compare) } : {}),
    botNodeOptions: values['bot-node-options']?.split(/\s+/).filter(Boolean) ?? productionNodeFlags(),
    ...(values.out ? { out: resolve(values.out) } : {}),
  };
}

/** The flags between `node` and the entry point in package.json's start:prod. */
function productionNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(resolve(__dirname, '..', 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return pkg.scripts['start:prod'].split(/\s+/).filter((word) => word.startsWith('--'));
}

function runtimeOf(value: string | undefined): BenchOptions['runtime'] {
  if (value === 'compiled' || value === 'tsx') return value;
  throw new Error(`--runtime must be compiled or tsx, got ${value}`);
}
