import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from './freePort';

export interface RunningRedis {
  url: string;
  port: number;
  /** SIGTERM by default; SIGKILL to crash it. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts a throwaway `redis-server` on a free loopback port (or the one given, to bring one back), keeping
 * nothing on disk; with `durableIn`, it fsyncs every write to an append-only file there before replying, so a
 * crash keeps exactly what was acknowledged and a restart on the same port and directory brings it back.
 */
export async function startRedisServer(
  onPort?: number,
  options: { durableIn?: string } = {},
): Promise<RunningRedis> {
  const port = onPort ?? (await freePort());
  const persistence = options.durableIn
    ? ['--dir', options.durableIn, '--appendonly', 'yes', '--appendfsync', 'always']
    : ['--appendonly', 'no'];
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence],
    { stdio: 'ignore' },
  );
  await waitForPort(port, 10_000);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
