/**
 * `npm run playground [-- --as <name or upn>] [--port <n>]`: starts the Microsoft 365 Agents Playground
 * (`@microsoft/m365agentsplayground` 0.2.28, Microsoft's offline Teams client) against the bot.
 *
 * - Bot endpoint: `BOT_ENDPOINT`, default `http://127.0.0.1:3978/api/messages`; channel `msteams`.
 * - Config: the committed `.m365agentsplayground.yml` (Adatum's Teams org from `demo/directory.json`).
 *   `--as` writes a temp copy whose current user is another fixture user: the Playground only ever
 *   speaks as its current user, and the product needs a Manager (Nestor, Lidia) and a non-manager (Diego).
 * - Browser: off unless `PLAYGROUND_BROWSER` is set to something other than `none`/`0`/`false`.
 * - Web UI port: `--port`, else `PLAYGROUND_PORT`, else 56150 (the Playground picks a random port if taken).
 * - Telemetry off (`--disable-telemetry`, no App Insights statsbeat); loopback exempt from any HTTP proxy.
 *
 * The config and launch helpers are exported for `tests/support/playground.ts`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  openSync,
  readSync,
  closeSync,
  fstatSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { loadDemoDirectory, type DemoDirectory, type TeamsUser } from '../demo/directory';

export const DEFAULT_BOT_ENDPOINT = 'http://127.0.0.1:3978/api/messages';
export const DEFAULT_PLAYGROUND_PORT = 56150;
export const PLAYGROUND_CONFIG_FILE = '.m365agentsplayground.yml';

// ---------------------------------------------------------------------------------------------------------
// The demo people (demo/directory.json, `teams`)
// ---------------------------------------------------------------------------------------------------------

export type DemoTeamsUser = TeamsUser;
export type DemoTeamsOrg = DemoDirectory['teams'];

/** The repository root: the nearest ancestor holding package.json and the committed Playground config. */
export function repoRoot(start: string = __dirname): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, PLAYGROUND_CONFIG_FILE))) return dir;
    if (dirname(dir) === dir)
      throw new Error(`No repository root (package.json + ${PLAYGROUND_CONFIG_FILE}) above ${start}`);
  }
}

export function committedConfigPath(): string {
  return join(repoRoot(), PLAYGROUND_CONFIG_FILE);
}

/** The demo Teams organization the Playground plays: Adatum's people and their Partner Center roles. */
export function loadTeamsOrg(): DemoTeamsOrg {
  return loadDemoDirectory().teams;
}

/**
 * Finds a fixture user by UPN, display name, first name, UPN local part, Teams id or object id
 * (case-insensitive). Throws, listing the people, when nothing or more than one person matches.
 */
export function findTeamsUser(query: string, org: DemoTeamsOrg = loadTeamsOrg()): DemoTeamsUser {
  const q = query.trim().toLowerCase();
  const keys = (u: DemoTeamsUser): string[] => [
    u.userPrincipalName,
    u.displayName,
    u.displayName.split(' ')[0] ?? '',
    u.userPrincipalName.split('@')[0] ?? '',
    u.id,
    u.objectId,
  ];
  const matches = org.users.filter((u) => keys(u).some((k) => k.toLowerCase() === q));
  if (matches.length === 1 && matches[0]) return matches[0];
  const people = org.users.map((u) => `${u.displayName} <${u.userPrincipalName}>`).join(', ');
  throw new Error(
    matches.length === 0
      ? `No demo Teams user matches "${query}". Known: ${people}`
      : `"${query}" is ambiguous: ${matches.map((u) => u.userPrincipalName).join(', ')}`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// The config file (.m365agentsplayground.yml, schema 0.1.1)
// ---------------------------------------------------------------------------------------------------------

/** The Playground's config schema accepts exactly this many `users` besides `currentUser`. */
export const PLAYGROUND_OTHER_USERS = 5;

/** The personal chat's conversation id for a user: each person has their own 1:1 chat with the bot. */
export function personalChatId(user: DemoTeamsUser): string {
  return `a:personal-${user.id.replace(/^\d+:/, '')}`;
}

/**
 * The three blocks of the config that depend on who the current user is: `currentUser`, `users` (the
 * next five fixture users, in fixture order) and `personalChat`. Everything else in the file is
 * copied unchanged.
 */
export function renderPeopleBlocks(current: DemoTeamsUser, org: DemoTeamsOrg): Record<PeopleKey, string[]> {
  const others = org.users.filter((u) => u.id !== current.id).slice(0, PLAYGROUND_OTHER_USERS);
  if (others.length < PLAYGROUND_OTHER_USERS) {
    throw new Error(
      `The Playground needs exactly ${PLAYGROUND_OTHER_USERS} users besides the current one; ` +
        `the fixture has only ${others.length}`,
    );
  }
  const person = (u: DemoTeamsUser, first: string, rest: string): string[] => {
    const [givenName = u.displayName, ...surname] = u.displayName.split(' ');
    const roles = u.partnerCenterRoles.length ? u.partnerCenterRoles.join(', ') : 'no role';
    return [
      `  # ${u.displayName} (Partner Center: ${roles})`,
      `${first}id: ${yamlScalar(u.id)}`,
      `${rest}name: ${yamlScalar(u.displayName)}`,
      `${rest}userPrincipleName: ${yamlScalar(u.userPrincipalName)}`,
      `${rest}aadObjectId: ${yamlScalar(u.objectId)}`,
      `${rest}givenName: ${yamlScalar(givenName)}`,
      `${rest}surname: ${yamlScalar(surname.join(' ') || givenName)}`,
      `${rest}email: ${yamlScalar(u.userPrincipalName)}`,
    ];
  };
  return {
    currentUser: ['currentUser:', ...person(current, '  ', '  ')],
    users: ['users:', ...others.flatMap((u) => person(u, '  - ', '    '))],
    personalChat: ['personalChat:', `  id: ${yamlScalar(personalChatId(current))}`],
  };
}

type PeopleKey = 'currentUser' | 'users' | 'personalChat';
const PEOPLE_KEYS: PeopleKey[] = ['currentUser', 'users', 'personalChat'];

/**
 * The config text with its `currentUser`, `users` and `personalChat` blocks regenerated for `current`.
 * A block runs from its top-level key to the next top-level key, less the comments just above that key.
 */
export function configAs(
  configText: string,
  current: DemoTeamsUser,
  org: DemoTeamsOrg = loadTeamsOrg(),
): string {
  const blocks = renderPeopleBlocks(current, org);
  const lines = configText.replace(/\r\n/g, '\n').split('\n');
  const topLevel = (line: string): string | undefined => /^([A-Za-z_][\w-]*)\s*:/.exec(line)?.[1];
  const keyLines = lines.flatMap((line, i) => (topLevel(line) ? [i] : []));
  const spans = new Map<string, [number, number]>();
  keyLines.forEach((start, k) => {
    let end = keyLines[k + 1] ?? lines.length;
    while (end > start + 1 && /^\s*(#.*)?$/.test(lines[end - 1] ?? '')) end--;
    const key = topLevel(lines[start] ?? '');
    if (!key) return;
    if (spans.has(key)) throw new Error(`${PLAYGROUND_CONFIG_FILE}: top-level key "${key}" appears twice`);
    spans.set(key, [start, end]);
  });
  for (const key of PEOPLE_KEYS) {
    if (!spans.has(key))
      throw new Error(`${PLAYGROUND_CONFIG_FILE}: no top-level "${key}:" block to replace`);
  }
  const ordered = [...PEOPLE_KEYS].sort((a, b) => (spans.get(b)?.[0] ?? 0) - (spans.get(a)?.[0] ?? 0));
  for (const key of ordered) {
    const [start, end] = spans.get(key) ?? [0, 0];
    lines.splice(start, end - start, ...blocks[key]);
  }
  return lines.join('\n');
}

/** The `currentUser.id` written in a config file (to check which user a Playground speaks as). */
export function configuredCurrentUserId(configText: string): string | undefined {
  const match = /^currentUser:\s*\n(?:[ \t]+#.*\n)*[ \t]+id:\s*(\S+)/m.exec(
    configText.replace(/\r\n/g, '\n'),
  );
  return match?.[1]?.replace(/^["']|["']$/g, '');
}

/**
 * Writes a copy of the committed config, acting as `query` (a fixture user), into `dir` and returns its
 * path. Returns the committed path itself when that user already is its current user.
 */
export function writeConfigAs(query: string, dir: string): { path: string; user: DemoTeamsUser } {
  const org = loadTeamsOrg();
  const user = findTeamsUser(query, org);
  const committed = committedConfigPath();
  const text = readFileSync(committed, 'utf8');
  if (configuredCurrentUserId(text) === user.id) return { path: committed, user };
  const path = join(dir, PLAYGROUND_CONFIG_FILE);
  writeFileSync(
    path,
    `# Generated from ${committed} by scripts/playground.ts, acting as ${user.displayName}.\n${configAs(text, user, org)}`,
  );
  return { path, user };
}

function yamlScalar(value: string): string {
  const plain =
    /^[A-Za-z0-9][\w@.:;=/+ -]*$/.test(value) &&
    !/\s$|: | #/.test(value) &&
    !/^(true|false|null|yes|no|on|off|y|n)$/i.test(value) &&
    !/^[-+]?(\d[\d_]*)?(\.\d*)?([eE][-+]?\d+)?$/.test(value) &&
    !/^0[xob]/i.test(value);
  return plain ? value : JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------------------
// Launching the Playground
// ---------------------------------------------------------------------------------------------------------

export interface LaunchOptions {
  botEndpoint: string;
  /** Absolute path of the config; it must exist (a missing file makes the Playground silently use its own). */
  configPath: string;
  /** Requested web/API port; the Playground takes a random one if it is busy. */
  port: number;
  /** Where the Playground writes its console (it only prints `Listening on N` when stdout is not a TTY). */
  logFile: string;
  /** Working directory for the child (it may create `devTools/` there). */
  cwd: string;
  openBrowser?: boolean;
  /** Each new line of the Playground's log, as it is written. */
  onLogLine?: (line: string) => void;
}

export interface PlaygroundProcess {
  readonly child: ChildProcess;
  /** The port it listens on, once it says so. */
  readonly listening: Promise<number>;
  /** Settles when the child exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last `n` lines of its log and stderr, ANSI colours removed. */
  tail(n?: number): string[];
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function playgroundCliPath(): string {
  return require.resolve('@microsoft/m365agentsplayground/cli.js');
}

/** The child's environment: config path, log file, browser switch, no statsbeat, loopback never proxied. */
export function playgroundEnv(
  options: Pick<LaunchOptions, 'configPath' | 'logFile' | 'openBrowser'>,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  env.M365_AGENTS_PLAYGROUND_CONFIG_PATH = options.configPath;
  env.M365_AGENTS_PLAYGROUND_LOGFILE = options.logFile;
  env.APPLICATION_INSIGHTS_NO_STATSBEAT = 'true';
  if (options.openBrowser) delete env.TEAMSAPPTESTER_BROWSER;
  else env.TEAMSAPPTESTER_BROWSER = 'none';
  for (const key of [
    'TEAMSAPPTESTER_PORT',
    'M365_AGENTS_PLAYGROUND_SERVICE_URL',
    'M365_AGENTS_PLAYGROUND_CONVERSATION_ID',
  ]) {
    delete env[key];
  }
  const noProxy = [env.NO_PROXY ?? env.no_proxy, 'localhost', '127.0.0.1', '::1'].filter(Boolean).join(',');
  env.NO_PROXY = noProxy;
  env.no_proxy = noProxy;
  return env;
}

export function playgroundArgs(options: Pick<LaunchOptions, 'botEndpoint' | 'port'>): string[] {
  return [
    'start',
    '--app-endpoint',
    options.botEndpoint,
    '--channel-id',
    'msteams',
    '--port',
    String(options.port),
    '--disable-telemetry',
  ];
}

export function launchPlayground(options: LaunchOptions): PlaygroundProcess {
  if (!existsSync(options.configPath)) throw new Error(`Playground config not found: ${options.configPath}`);
  const child = spawn(process.execPath, [playgroundCliPath(), ...playgroundArgs(options)], {
    cwd: options.cwd,
    env: playgroundEnv(options),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recent: string[] = [];
  const remember = (line: string): void => {
    recent.push(line);
    if (recent.length > 200) recent.shift();
  };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('exit', (code, signal) => done({ code, signal }));
    child.once('error', (error) => {
      remember(`spawn error: ${error.message}`);
      done({ code: null, signal: null });
    });
  });
  const listening = new Promise<number>((resolvePort, reject) => {
    let stdout = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      stdout += chunk;
      const match = /Listening on (\d+)/.exec(stdout);
      if (match) resolvePort(Number(match[1]));
      if (stdout.length > 10_000) stdout = stdout.slice(-1000);
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`The Playground exited (code ${code}, signal ${signal}) before listening`)),
    );
  });
  listening.catch(() => undefined);
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    for (const line of chunk.split('\n').filter(Boolean)) {
      remember(stripAnsi(line));
      options.onLogLine?.(stripAnsi(line));
    }
  });
  const tailer = tailFile(options.logFile, (line) => {
    remember(line);
    options.onLogLine?.(line);
  });
  void exited.then(() => tailer.stop());
  return {
    child,
    listening,
    exited,
    tail: (n = 20) => {
      tailer.poll();
      return recent.slice(-n);
    },
    stop: async (graceMs = 3000) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      tailer.stop();
    },
  };
}

/** Follows a file that may not exist yet (and may be truncated), reporting whole new lines. */
function tailFile(path: string, onLine: (line: string) => void): { poll(): void; stop(): void } {
  let offset = 0;
  let partial = '';
  const poll = (): void => {
    if (!existsSync(path)) return;
    let fd: number | undefined;
    try {
      fd = openSync(path, 'r');
      const size = fstatSync(fd).size;
      if (size < offset) offset = 0;
      if (size === offset) return;
      const buffer = Buffer.alloc(size - offset);
      const read = readSync(fd, buffer, 0, buffer.length, offset);
      offset += read;
      const lines = (partial + buffer.subarray(0, read).toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) onLine(stripAnsi(line));
    } catch {
      // the Playground deletes its log at start; the next poll picks the new file up
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  };
  const timer = setInterval(poll, 200);
  timer.unref();
  return {
    poll,
    stop: () => {
      clearInterval(timer);
      poll();
    },
  };
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** Resolves once `GET /_debug/ping` answers `pong`; rejects on timeout or if the child exits first. */
export async function waitUntilReady(
  baseUrl: string,
  proc: PlaygroundProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error('The Playground exited while starting');
    try {
      const res = await fetch(`${baseUrl}/_debug/ping`, { signal: AbortSignal.timeout(1000) });
      if (res.ok && (await res.text()) === 'pong') return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline)
      throw new Error(`The Playground did not answer ${baseUrl}/_debug/ping within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---------------------------------------------------------------------------------------------------------
// npm run playground
// ---------------------------------------------------------------------------------------------------------

interface CliOptions {
  as?: string;
  port?: number;
  help: boolean;
}

function parseCli(argv: string[]): CliOptions {
  const options: CliOptions = { help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (!v) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--as') options.as = value();
    else if (flag === '--port' || flag === '-p') options.port = Number(value());
    else if (flag === '--help' || flag === '-h') options.help = true;
    else throw new Error(`Unknown option ${arg} (try --help)`);
  }
  if (
    options.port !== undefined &&
    !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)
  ) {
    throw new Error('--port needs a port number');
  }
  return options;
}

const USAGE = `Usage: npm run playground [-- --as <name or upn>] [--port <n>]

Starts the Microsoft 365 Agents Playground (offline Teams client) against BOT_ENDPOINT
(default ${DEFAULT_BOT_ENDPOINT}) with channel msteams and ${PLAYGROUND_CONFIG_FILE}.

  --as <who>   act as another Adatum user from demo/directory.json
               (e.g. lidia@adatum.example, "Diego Siciliani", diego)
  --port <n>   web UI / API port (default PLAYGROUND_PORT or ${DEFAULT_PLAYGROUND_PORT})

Environment: BOT_ENDPOINT, PLAYGROUND_PORT, PLAYGROUND_BROWSER (unset/none: do not open a browser).`;

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2));
  if (cli.help) {
    console.log(USAGE);
    return;
  }
  const botEndpoint = process.env.BOT_ENDPOINT || DEFAULT_BOT_ENDPOINT;
  const port =
    cli.port ?? (process.env.PLAYGROUND_PORT ? Number(process.env.PLAYGROUND_PORT) : DEFAULT_PLAYGROUND_PORT);
  const browser = (process.env.PLAYGROUND_BROWSER ?? '').trim().toLowerCase();
  const openBrowser = browser !== '' && !['none', '0', 'false', 'no', 'off'].includes(browser);
  const workDir = mkdtempSync(join(tmpdir(), 'pc-playground-'));
  const cleanup = (): void => rmSync(workDir, { recursive: true, force: true });
  process.once('exit', cleanup);

  const org = loadTeamsOrg();
  const { path: configPath, user } = cli.as
    ? writeConfigAs(cli.as, workDir)
    : (() => {
        const path = committedConfigPath();
        const id = configuredCurrentUserId(readFileSync(path, 'utf8'));
        const current = org.users.find((u) => u.id === id);
        if (!current) throw new Error(`${path}: currentUser.id ${id} is not a user in demo/directory.json`);
        return { path, user: current };
      })();

  const proc = launchPlayground({
    botEndpoint,
    configPath,
    port,
    logFile: join(workDir, 'playground.log'),
    cwd: workDir,
    openBrowser,
    onLogLine: (line) => console.log(`[playground] ${line.length > 400 ? `${line.slice(0, 400)}…` : line}`),
  });
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    stopping = true;
    console.log(`\n${signal}: stopping the Playground`);
    void proc.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  void proc.exited.then(({ code, signal }) => {
    if (stopping) return;
    console.log(`The Playground exited (code ${code}${signal ? `, signal ${signal}` : ''})`);
    process.exit(code ?? 1);
  });

  const actualPort = await proc.listening;
  const baseUrl = `http://127.0.0.1:${actualPort}`;
  await waitUntilReady(baseUrl, proc, 20_000);
  const roles = user.partnerCenterRoles.length
    ? user.partnerCenterRoles.join(', ')
    : 'no Partner Center role';
  console.log(
    [
      '',
      `Microsoft 365 Agents Playground: http://localhost:${actualPort}`,
      `  acting as ${user.displayName} <${user.userPrincipalName}> (${roles}), tenant ${org.tenantName} ${org.tenantId}`,
      `  bot endpoint ${botEndpoint} (channel msteams), config ${configPath}`,
      `  browser ${openBrowser ? 'opened' : 'not opened (set PLAYGROUND_BROWSER=1 to open one)'}; Ctrl+C to stop`,
      '',
    ].join('\n'),
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
