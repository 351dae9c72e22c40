import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TEAMS_FRAME_ANCESTORS, type Config } from './config';
import type { Member, Role } from './core/model';

/** What the sandbox process reports once its emulators listen (sandbox/cli.ts --ipc). */
interface SandboxReady {
  ready: {
    botFrameworkAuthConfig: Record<string, string>;
    graphUrl: string;
    loginUrl: string;
    teamsHostUrl: string;
    tabApp: { clientId: string; clientSecret: string };
    caCertPath: string;
    account: { id: string; displayName: string };
    accountTenant: { tenantId: string; orgDisplayName: string; defaultDomain: string };
    /** The demo people of the Teams organization, with their Partner Center roles. */
    people: {
      tenantId: string;
      objectId: string;
      displayName: string;
      userPrincipalName: string;
      roles: string[];
    }[];
  };
}

export interface LocalSandbox {
  /** The bot's configuration pointed at the sandbox's emulators. */
  config: Config;
  /** The sandbox's Teams host page, where the Tenants tab opens in a plain browser. */
  teamsHostUrl: string;
  members: Member[];
  close(): Promise<void>;
}

const SANDBOX_CLI = join(__dirname, '..', 'sandbox', 'cli.ts');
const START_TIMEOUT_MS = 60_000;

/**
 * Local mode: the sandbox's emulators of the token service, Entra ID and Microsoft Graph run in a child
 * process, and the bot talks to them over their real HTTP APIs exactly as it would in production. They are
 * never in the bot's process: restify changes Node's HTTP prototypes for every server there.
 */
export async function startLocalSandbox(config: Config): Promise<LocalSandbox> {
  if (!existsSync(SANDBOX_CLI)) {
    throw new Error(
      'Local mode (no BOT_ID) needs the sandbox of a checkout: run `npm start` there, or set BOT_ID.',
    );
  }
  // The child inherits this process's loader flags (tsx), so it runs the TypeScript sources too.
  const child = fork(SANDBOX_CLI, ['--ipc', '--state-dir', '.sandbox'], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  prefixLines(child, '[sandbox] ');
  const ready = await readiness(child);
  let stopping = false;
  const stopWithBot = () => child.kill('SIGTERM');
  process.once('exit', stopWithBot);
  child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`The local sandbox stopped (${signal ?? `exit code ${code}`}); the bot stops too.`);
    process.exit(1);
  });

  const { account, people, accountTenant } = ready;
  const localAccount = {
    id: config.account.id || account.id,
    displayName: config.account.displayName || account.displayName,
  };
  return {
    config: {
      ...config,
      account: localAccount,
      botFrameworkEndpoints: ready.botFrameworkAuthConfig,
      graphUrl: ready.graphUrl,
      extraCaFile: ready.caCertPath,
      accountTenant: config.accountTenant ?? {
        ...accountTenant,
        verifiedDomains: accountTenant.defaultDomain ? [accountTenant.defaultDomain] : [],
      },
      tab: {
        ...ready.tabApp,
        loginUrl: ready.loginUrl,
        // The host page frames the tab; Teams' own origins stay allowed too.
        frameAncestors: [
          ...(config.tab?.frameAncestors ?? TEAMS_FRAME_ANCESTORS),
          new URL(ready.teamsHostUrl).origin,
        ],
      },
    },
    teamsHostUrl: ready.teamsHostUrl,
    members: people.map((p) => ({
      accountId: localAccount.id,
      tenantId: p.tenantId,
      objectId: p.objectId,
      displayName: p.displayName,
      upn: p.userPrincipalName,
      roles: p.roles as Role[],
    })),
    close: async () => {
      stopping = true;
      process.removeListener('exit', stopWithBot);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function readiness(child: ChildProcess): Promise<SandboxReady['ready']> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('The local sandbox did not start within a minute.'));
    }, START_TIMEOUT_MS);
    child.once('message', (message: SandboxReady) => {
      clearTimeout(timer);
      resolve(message.ready);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The local sandbox exited before it was ready (exit code ${code}).`));
    });
  });
}

function prefixLines(child: ChildProcess, prefix: string): void {
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ] as const) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => out.write(`${prefix}${line}\n`));
  }
}
