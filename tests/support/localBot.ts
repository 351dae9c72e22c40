import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { findAccountLink, parseMagicCode } from '../../sandbox/signInPage';
import { freePort } from './freePort';

export interface LocalBot {
  endpoint: string;
  origin: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * The bot exactly as `npm start` runs it (local mode: no BOT_ID, the sandbox in-process), in a child
 * process, on the test run's Redis under a key prefix of its own.
 */
export async function startLocalBot(env: Record<string, string> = {}): Promise<LocalBot> {
  const port = await freePort();
  const root = join(__dirname, '..', '..');
  const child: ChildProcess = spawn(
    process.execPath,
    [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'bot/index.ts'],
    {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        REDIS_KEY_PREFIX: `e2e-${randomUUID()}`,
        BOT_ID: '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (
    !(await fetch(`${origin}/healthz`)
      .then((r) => r.ok)
      .catch(() => false))
  ) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The bot did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    endpoint: `${origin}/api/messages`,
    origin,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** What a person does in the browser: open the sign-in link, pick the account, read the code shown. */
export async function signInInBrowser(link: string, userPrincipalName: string): Promise<string> {
  const chooser = await (await fetch(link)).text();
  const href = findAccountLink(chooser, userPrincipalName);
  if (!href) throw new Error(`The sign-in page lists no ${userPrincipalName}:\n${chooser}`);
  const page = await (await fetch(new URL(href, link))).text();
  const code = parseMagicCode(page);
  if (!code) throw new Error(`No code on the page:\n${page}`);
  return code;
}
