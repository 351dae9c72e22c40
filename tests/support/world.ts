import { randomUUID } from 'node:crypto';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import type { Member, Role } from '../../bot/core/model';
import type { Clock } from '../../bot/core/ports';
import type { Logger } from '../../bot/log';
import { testLog } from './testLog';
import { startSandbox, type Sandbox } from '../../sandbox';
import { freePort } from './freePort';
import { TeamsChannel } from './teamsChannel';

const BOT_PASSWORD = 'sandbox-secret';

export interface World {
  sandbox: Sandbox;
  app: RunningApp;
  teams: TeamsChannel;
  keyPrefix: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface WorldOptions {
  clock?: Clock;
  env?: Record<string, string>;
  /** Share another world's sandbox and Redis keys: a second bot process of the same deployment. */
  sharing?: World;
  /** The sandbox completes sign-ins with signin/verifyState, as Teams does, instead of only showing a code. */
  verifyState?: boolean;
  /** Serve the Tenants tab, signing in with the sandbox's tab app, at http://localhost:PORT. */
  tab?: boolean;
  /** The token service's magic codes (default random). */
  magicCode?: () => string;
  /** Where the bot logs (default testLog). */
  log?: Logger;
}

/**
 * The real server over HTTP with inbound JWT auth on, talking to the sandbox's token service, Entra ID,
 * Graph and connector, on the test run's real Redis under a key prefix of its own.
 */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const port = await freePort();
  // botbuilder caches outbound tokens per app id for the whole process (AppCredentials.cache): each
  // world has an app id of its own, so no world is handed a token another sandbox signed.
  const appId = options.sharing?.env.BOT_ID ?? randomUUID();
  const ownsSandbox = !options.sharing;
  const sandbox =
    options.sharing?.sandbox ??
    (await startSandbox({
      requireAuth: true,
      botAppId: appId,
      botAppPassword: BOT_PASSWORD,
      ...(options.verifyState ? { botEndpoint: `http://127.0.0.1:${port}/api/messages` } : {}),
      ...(options.magicCode ? { magicCode: options.magicCode } : {}),
    }));
  const keyPrefix = options.sharing?.keyPrefix ?? `test-${randomUUID()}`;
  const { directory } = sandbox;
  const nestor = directory.teams.users.find((u) => u.displayName === 'Nestor Wilke');
  const env: Record<string, string> = {
    BOT_ID: appId,
    BOT_PASSWORD,
    BOT_TENANT_ID: directory.teams.tenantId,
    OAUTH_CONNECTION_NAME: 'TenantSignIn',
    ACCOUNT_ID: directory.account.id,
    ACCOUNT_NAME: directory.account.displayName,
    BOOTSTRAP_MANAGERS: `${directory.teams.tenantId}/${nestor?.objectId}`,
    ACCOUNT_TENANT_NAME: directory.teams.tenantName,
    ACCOUNT_TENANT_DOMAIN: nestor?.userPrincipalName.split('@')[1] ?? '',
    HOST: '127.0.0.1',
    PORT: String(port),
    REDIS_URL: requiredRedisUrl(),
    REDIS_KEY_PREFIX: keyPrefix,
    GRAPH_URL: sandbox.urls.graph,
    EXTRA_CA_FILE: sandbox.caCertPath,
    ...sandbox.botFrameworkAuthConfig(),
    ...(options.tab
      ? {
          AAD_APP_CLIENT_ID: sandbox.tabApp.clientId,
          AAD_APP_CLIENT_SECRET: sandbox.tabApp.clientSecret,
          ENTRA_LOGIN_URL: sandbox.urls.login,
          BOT_DOMAIN: `localhost:${port}`,
          PUBLIC_URL: `http://localhost:${port}`,
        }
      : {}),
    ...options.env,
  };
  // Nestor comes from BOOTSTRAP_MANAGERS; everyone else with their demo roles.
  const seedMembers: Member[] = directory.teams.users
    .filter((u) => u.objectId !== nestor?.objectId && u.partnerCenterRoles.length > 0)
    .map((u) => ({
      accountId: directory.account.id,
      tenantId: directory.teams.tenantId,
      objectId: u.objectId,
      displayName: u.displayName,
      roles: u.partnerCenterRoles as Role[],
    }));
  const start = () =>
    startApp(loadConfig(env), {
      seedMembers,
      log: options.log ?? testLog,
      ...(options.clock ? { clock: options.clock } : {}),
    });
  let app: RunningApp;
  try {
    app = await start();
  } catch (error) {
    // Another process took the free port between asking for it and listening: take another, once.
    // (A sandbox that calls the bot back already knows its port, so it keeps it.)
    if ((error as { code?: string }).code !== 'EADDRINUSE' || options.verifyState) throw error;
    env.PORT = String(await freePort());
    app = await start();
  }
  return {
    sandbox,
    app,
    teams: new TeamsChannel(sandbox, app.origin, appId),
    keyPrefix,
    env,
    close: async () => {
      await app.close();
      if (ownsSandbox) await sandbox.close();
    },
  };
}

function requiredRedisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url)
    throw new Error('REDIS_URL is not set: the jest global setup starts a redis-server for the tests');
  return url;
}
