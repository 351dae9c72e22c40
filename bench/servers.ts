/** The three servers a scenario can put under test, each started pinned to the server core. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR, startServer, type RunningServer } from './serverProcess';
import { freePort, type Stage } from './stage';

/** taskset cores: the load generator, the sandbox and Redis run on LOAD_CORE; the server under test on SERVER_CORE. */
export const LOAD_CORE = 0;
export const SERVER_CORE = 1;

export type ServerKind = 'bot' | 'echo' | 'floor';

export interface BotOptions {
  /** Redis key prefix: two processes of one deployment share it. */
  prefix: string;
  env?: Record<string, string>;
  /** Write V8 CPU profiles of the process to bench/results/profiles/<name>/ when it stops. */
  profile?: boolean;
  nodeArgs?: string[];
  /** Run the --compare checkout's bot instead of this repository's. */
  candidate?: boolean;
}

export async function startBot(stage: Stage, name: string, options: BotOptions): Promise<RunningServer> {
  const port = await freePort();
  return startServer({
    name,
    entry: options.candidate ? requiredCandidate(stage) : stage.botEntry,
    port,
    core: SERVER_CORE,
    env: stage.botEnv(port, options.prefix, options.env),
    nodeArgs: [
      ...stage.botNodeArgs,
      ...(options.profile ? profileArgs(name) : []),
      ...(options.nodeArgs ?? []),
    ],
  });
}

export async function startBaseline(
  stage: Stage,
  kind: 'echo' | 'floor',
  options: { profile?: boolean } = {},
): Promise<RunningServer> {
  const port = await freePort();
  return startServer({
    name: kind,
    entry: kind === 'echo' ? 'bench/echoBot.ts' : 'bench/floor.ts',
    port,
    core: SERVER_CORE,
    env: stage.baselineEnv(port, stage.prefix(kind)),
    nodeArgs: options.profile ? profileArgs(kind) : [],
  });
}

function requiredCandidate(stage: Stage): string {
  if (!stage.candidateEntry) throw new Error('no --compare checkout was given');
  return stage.candidateEntry;
}

export const PROFILE_DIR = join(RESULTS_DIR, 'profiles');

/** One folder per server: node writes a profile per thread (tsx's loader has one), named by pid and thread. */
function profileArgs(name: string): string[] {
  const dir = join(PROFILE_DIR, name);
  rmSync(dir, { recursive: true, force: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}
