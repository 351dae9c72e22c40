/**
 * A server under test in a process of its own, pinned to one core with `taskset` (which execs the command, so
 * the pid is the server's own), as production runs it: `node --import tsx <entry>` with its configuration in
 * the environment. Its output goes to a log file under bench/results/logs/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processCpuSeconds, processRssBytes } from './machine';

export const ROOT = join(__dirname, '..');
export const RESULTS_DIR = join(__dirname, 'results');
const LOG_DIR = join(RESULTS_DIR, 'logs');
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

export interface ServerSpec {
  /** Names the log file and the report rows. */
  name: string;
  /** The entry point (relative to the repository, or absolute): TypeScript runs through tsx, JavaScript as it is. */
  entry: string;
  env: Record<string, string>;
  port: number;
  core: number;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
}

export interface RunningServer {
  name: string;
  pid: number;
  origin: string;
  logFile: string;
  cpuSeconds(): number;
  rssBytes(): number;
  /** Milliseconds since the process was started (about when a --cpu-prof profile starts). */
  uptimeMs(): number;
  stop(): Promise<void>;
}

export async function startServer(spec: ServerSpec): Promise<RunningServer> {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `${spec.name}.log`);
  const log = createWriteStream(logFile);
  const spawnedAt = performance.now();
  const child: ChildProcess = spawn(
    'taskset',
    [
      ...['-c', String(spec.core), process.execPath, ...(spec.nodeArgs ?? [])],
      ...(spec.entry.endsWith('.ts') ? ['--import', 'tsx'] : []),
      spec.entry,
    ],
    { cwd: ROOT, env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const origin = `http://127.0.0.1:${spec.port}`;
  await Promise.race([
    waitForHealth(origin),
    exited.then((code) => {
      throw new Error(`${spec.name} exited with ${code} while starting:\n${tail(logFile)}`);
    }),
  ]);
  const pid = child.pid as number;
  return {
    name: spec.name,
    pid,
    origin,
    logFile,
    cpuSeconds: () => processCpuSeconds(pid),
    rssBytes: () => processRssBytes(pid),
    uptimeMs: () => performance.now() - spawnedAt,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGTERM lets the bot shut down cleanly, which is also when node writes a --cpu-prof profile.
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
      log.end();
    },
  };
}

async function waitForHealth(origin: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const ok = await fetch(`${origin}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`${origin} did not answer /healthz within ${START_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}
