/**
 * Everything the servers under test talk to, in the bench's own process (core 0, with the load): a private
 * redis-server, the sandbox (channel tokens, connector, token service, Entra ID, Graph) with inbound and
 * outbound authentication on as in production, and the people the scenarios play.
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { startSandbox, type DirectoryTenant, type Sandbox, type TeamsUser } from '../sandbox';
import { freePort } from '../tests/support/freePort';
import { startRedisServer, type RunningRedis } from '../tests/support/redisServer';
import type { TeamsChannel } from '../tests/support/teamsChannel';
import { BenchTeamsChannel } from './benchTeamsChannel';

const BOT_PASSWORD = 'bench-secret';
/** Enough Managers for 50 concurrent conversations and 50 concurrent flows, each with a tenant of their own. */
const PEOPLE = 64;

/** A Teams user who is a Manager of the account, and the tenant they sign in to when they associate one. */
export interface BenchManager {
  user: TeamsUser;
  tenant: DirectoryTenant;
  /** The account they pick on the sandbox sign-in page: a global administrator of `tenant`. */
  signInUpn: string;
}

export interface Stage {
  redis: RunningRedis;
  /** The bench's own connection, for checks and clean-up; never counted as the bot's round trips. */
  client: Redis;
  sandbox: Sandbox;
  appId: string;
  managers: BenchManager[];
  /** One channel token for the whole run: Teams, too, reuses a token until it expires (1 hour here). */
  channelToken: string;
  /** What bot processes run: bot/index.ts through tsx, or the compiled bench/results/build/bot/index.js. */
  botEntry: string;
  /** With --compare: the other checkout's bot, measured beside this one. */
  candidateEntry?: string;
  /** Extra node flags for every bot process (--bot-node-options). */
  botNodeArgs: string[];
  /** A key prefix of its own for each deployment the bench starts, so no scenario sees another's data. */
  prefix(name: string): string;
  teams(origin: string): TeamsChannel;
  /** The bot's production configuration against the sandbox, as tests/support/world.ts builds it. */
  botEnv(port: number, prefix: string, extra?: Record<string, string>): Record<string, string>;
  /** What the baselines need: the same app, the same endpoints, the same Redis. */
  baselineEnv(port: number, prefix: string): Record<string, string>;
  close(): Promise<void>;
}

export async function startStage(options: {
  botEntry: string;
  candidateEntry?: string;
  botNodeArgs?: string[];
}): Promise<Stage> {
  const redis = await startRedisServer();
  const client = new Redis(redis.url);
  const appId = randomUUID();
  const sandbox = await startSandbox({ requireAuth: true, botAppId: appId, botAppPassword: BOT_PASSWORD });
  // Turns arrive dozens of times a second in each conversation here, far above Teams' 7 sends a second:
  // with the limits on, the bench would time the connector client's Retry-After waits, not the bot.
  sandbox.connector.settings.rateLimits = false;
  const managers = addPeople(sandbox, PEOPLE);
  const runId = Date.now().toString(36);
  const { directory } = sandbox;

  const common = (port: number, prefix: string): Record<string, string> => ({
    // No env/.env.* file applies: every setting is here.
    ENV_NAME: 'bench',
    NODE_ENV: 'production',
    BOT_ID: appId,
    BOT_PASSWORD,
    BOT_TENANT_ID: directory.teams.tenantId,
    HOST: '127.0.0.1',
    PORT: String(port),
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: prefix,
    NODE_EXTRA_CA_CERTS: sandbox.caCertPath,
    ...sandbox.botFrameworkAuthConfig(),
  });

  const channelToken = sandbox.mintChannelToken({ appId, serviceUrl: sandbox.urls.connector });
  return {
    redis,
    client,
    sandbox,
    appId,
    managers,
    channelToken,
    botEntry: options.botEntry,
    botNodeArgs: options.botNodeArgs ?? [],
    ...(options.candidateEntry ? { candidateEntry: options.candidateEntry } : {}),
    prefix: (name) => `bench-${runId}-${name}`,
    teams: (origin) => new BenchTeamsChannel(sandbox, origin, appId, channelToken),
    botEnv: (port, prefix, extra = {}) => ({
      ...common(port, prefix),
      OAUTH_CONNECTION_NAME: 'TenantSignIn',
      ACCOUNT_ID: directory.account.id,
      ACCOUNT_NAME: directory.account.displayName,
      BOOTSTRAP_MANAGERS: managers.map((m) => `${directory.teams.tenantId}/${m.user.objectId}`).join(','),
      GRAPH_URL: sandbox.urls.graph,
      // Ten people make thousands of flows here: the per-person limit is for people, not for a load test.
      ATTEMPTS_PER_MINUTE: '1000000',
      EXTRA_CA_FILE: sandbox.caCertPath,
      ...extra,
    }),
    baselineEnv: common,
    close: async () => {
      await sandbox.close();
      client.disconnect();
      await redis.stop();
    },
  };
}

export { freePort };

/**
 * Managers of the account (given the role through BOOTSTRAP_MANAGERS, as a deployment's first Managers are),
 * each with a tenant of their own to associate: R8 allows a tenant to be associated once, so concurrent flows
 * need distinct tenants. The sandbox serves whatever its directory holds, so they are added to it.
 */
function addPeople(sandbox: Sandbox, count: number): BenchManager[] {
  const { directory } = sandbox;
  const template = directory.tenants.find((t) => t.displayName === 'Contoso Ltd') ?? directory.tenants[0];
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(12, '0');
    const user: TeamsUser = {
      id: `29:bench-manager-${i + 1}`,
      objectId: `b0000000-0000-4000-8000-${n}`,
      displayName: `Bench Manager ${i + 1}`,
      userPrincipalName: `manager${i + 1}@adatum.example`,
      partnerCenterRoles: ['Manager'],
    };
    const domain = `bench${i + 1}.example`;
    const signInUpn = `admin@${domain}`;
    const tenant: DirectoryTenant = {
      id: `be000000-0000-4000-8000-${n}`,
      displayName: `Bench Tenant ${i + 1}`,
      verifiedDomains: [
        { name: domain, isDefault: true, isInitial: false },
        { name: `bench${i + 1}.onmicrosoft.com`, isDefault: false, isInitial: true },
      ],
      // As many groups as Contoso, so reading the global administrator role pages through /me/memberOf.
      groups: template.groups,
      users: [
        {
          objectId: `be0000aa-0000-4000-8000-${n}`,
          displayName: `Bench Admin ${i + 1}`,
          userPrincipalName: signInUpn,
          globalAdmin: true,
        },
      ],
    };
    directory.teams.users.push(user);
    directory.tenants.push(tenant);
    return { user, tenant, signInUpn };
  });
}
