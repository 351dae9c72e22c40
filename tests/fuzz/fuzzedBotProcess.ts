import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ProbeAnswer, ProbeRequest } from './fuzzedBot';

const ROOT = join(__dirname, '..', '..');
const STDERR_LINES_KEPT = 40;

export interface FuzzedBotProcess {
  origin: string;
  /** Its state after two full collections: memory, faults, prototypes. */
  probe(): Promise<ProbeAnswer>;
  alive(): boolean;
  /** The last lines it wrote to stderr, for a failure's message. */
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts tests/fuzz/fuzzedBot.ts with `env` (a world's configuration) and waits until it serves. */
export async function startFuzzedBot(env: Record<string, string>): Promise<FuzzedBotProcess> {
  const child: ChildProcess = fork(join(ROOT, 'tests', 'fuzz', 'fuzzedBot.ts'), [], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const lines: string[] = [];
  // botbuilder writes every refused token to stderr; only the tail is kept, and the pipe never fills.
  child.stderr?.on('data', (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - STDERR_LINES_KEPT));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('the fuzzed bot did not start within 60 s')), 60_000);
    const onExit = (code: number | null) =>
      fail(new Error(`the fuzzed bot exited with ${code}:\n${lines.join('\n')}`));
    function fail(error: Error) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    }
    child.once('exit', onExit);
    child.once('message', (message: { ready?: string }) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      if (message.ready) resolve(message.ready);
      else fail(new Error(`unexpected first message ${JSON.stringify(message)}`));
    });
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    origin,
    alive,
    stderr: () => lines.join('\n'),
    probe: () =>
      new Promise<ProbeAnswer>((resolve, reject) => {
        if (!alive()) return reject(new Error(`the fuzzed bot is gone:\n${lines.join('\n')}`));
        child.once('message', (answer: ProbeAnswer) => resolve(answer));
        child.send({ probe: 'state' } satisfies ProbeRequest);
      }),
    stop: async () => {
      if (alive()) {
        child.send({ probe: 'stop' } satisfies ProbeRequest);
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
