import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { TeamsChannel } from './teamsChannel';
import type { World } from './world';

const ROOT = join(__dirname, '..', '..');

export interface BotProcess {
  origin: string;
  /** The world, with Teams delivering to this process. */
  world: World;
  /** Resolves once the process is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Another process of `world`'s deployment (its configuration, sandbox and Redis keys) running
 * tests/support/botProcessMain.ts, listening on a port of its own.
 */
export async function startBotProcess(world: World, env: Record<string, string> = {}): Promise<BotProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join('tests', 'support', 'botProcessMain.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, ...world.env, PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error('the bot process did not start within 30 s')), 30_000);
    const onExit = (code: number | null) => fail(new Error(`the bot process exited with ${code}`));
    function fail(error: Error) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    }
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /ready (\S+)/.exec(output);
      if (!ready) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      // Keep draining, so a full pipe never stalls the bot.
      child.stdout?.off('data', onData).resume();
      resolve(ready[1]);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
  return {
    origin,
    world: { ...world, teams: new TeamsChannel(world.sandbox, origin, world.env.BOT_ID) },
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
