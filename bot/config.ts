import type { ApprovalPolicy } from './core/requestMachine';
import { LOG_LEVELS, type LogLevel } from './log';

/** The botbuilder endpoint keys, passed to the SDK unchanged. Setting any one means setting all of them. */
export const BOT_FRAMEWORK_ENDPOINT_KEYS = [
  'ToBotFromChannelOpenIdMetadataUrl',
  'ToBotFromEmulatorOpenIdMetadataUrl',
  'ToBotFromChannelTokenIssuer',
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
  'OAuthUrl',
  'CallerId',
  'ValidateAuthority',
] as const;

export type BotType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

/** Where Teams, Outlook and the Microsoft 365 app frame tabs (Teams' tab requirements for CSP frame-ancestors). */
export const TEAMS_FRAME_ANCESTORS = [
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://*.cloud.microsoft',
  'https://*.microsoft365.com',
  'https://*.office.com',
  'https://outlook.office.com',
  'https://outlook.office365.com',
];

/** The Tenants tab: its Entra app (SSO and the sign-in pop-up) and where it is served. */
export interface TabConfig {
  clientId: string;
  clientSecret: string;
  /** https://login.microsoftonline.com, or a national cloud's login origin. */
  loginUrl: string;
  /** The bot's public host (BOT_DOMAIN): the tab is https://{host}/tab, its SSO audience api://{host}/{clientId}. */
  host?: string;
  /** Where people reach the bot (PUBLIC_URL, default https://{host}); Entra ID posts its answers there. */
  publicUrl?: string;
  /** Origins allowed to frame the tab. */
  frameAncestors: string[];
}

export interface Config {
  /** No BOT_ID: the bot runs against the local sandbox, unauthenticated, on loopback only. */
  localMode: boolean;
  host: string;
  port: number;
  bot: { id: string; password: string; tenantId: string; type: BotType };
  /** Endpoint keys for the SDK; empty means the SDK's public-cloud defaults. */
  botFrameworkEndpoints: Record<string, string>;
  oauthConnectionName: string;
  graphUrl: string;
  /** `cluster`: REDIS_URL is one node of a Redis Cluster. */
  redis: { url?: string; cluster: boolean; keyPrefix: string };
  account: { id: string; displayName: string };
  /** `tenantId/objectId` of the people who are Managers from the start (added, never removed, at start). */
  bootstrapManagers: { tenantId: string; objectId: string }[];
  /** R10: the account's own tenant, associated from the start (ACCOUNT_TENANT_*, or the bootstrap Managers'). */
  accountTenant?: {
    tenantId: string;
    orgDisplayName: string;
    defaultDomain: string;
    verifiedDomains: string[];
  };
  requestLifetimeMs: number;
  /** Requests in group chats and channels wait for a Manager, who may not be around for a while. */
  groupRequestLifetimeMs: number;
  approvalPolicy: ApprovalPolicy;
  signInLifetimeMs: number;
  /** The Teams app id (TEAMS_APP_ID): notifications link to its Tenants tab. */
  teamsAppId?: string;
  /** Deliver notifications from this process too (default); off when `npm run worker` processes do it. */
  notificationWorkers: boolean;
  /** Off when AAD_APP_CLIENT_ID is not set: the bot works without its tab. */
  tab?: TabConfig;
  /** PEM files of extra certificate authorities to trust for outbound HTTPS (a private login or Graph endpoint). */
  extraCaFile?: string;
  logLevel: LogLevel;
  /** After SIGTERM, /readyz answers 503 this long before the listener closes, so no new turns are routed here. */
  shutdownDelayMs: number;
  /** Sign-ins each person may start, and directory searches each may run, in a minute. */
  attemptsPerMinute: number;
}

const LOOPBACK = ['127.0.0.1', '::1', 'localhost'];

/** Local mode checks no tokens at all: anything but loopback would open the bot to the network. */
function hostOf(env: Env, localMode: boolean): string {
  const host = optional(env, 'HOST') ?? (localMode ? '127.0.0.1' : '0.0.0.0');
  if (localMode && !LOOPBACK.includes(host)) {
    throw new ConfigError(
      'HOST',
      `must be loopback (${LOOPBACK.join(', ')}) in local mode, which authenticates nobody; set BOT_ID to serve "${host}"`,
    );
  }
  return host;
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Configuration error: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function loadConfig(env: Env): Config {
  const botId = optional(env, 'BOT_ID');
  const localMode = !botId;
  const botType = oneOf(env, 'BOT_TYPE', ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], 'SingleTenant');
  const bot = {
    id: botId ? guid(env, 'BOT_ID') : '',
    password: localMode
      ? ''
      : botType === 'UserAssignedMSI'
        ? ''
        : required(env, 'BOT_PASSWORD', 'is required when BOT_ID is set'),
    tenantId:
      localMode || botType === 'MultiTenant'
        ? (optional(env, 'BOT_TENANT_ID') ?? '')
        : guid(env, 'BOT_TENANT_ID'),
    // Without an app id there are no credentials to fetch, whatever BOT_TYPE says.
    type: localMode ? ('MultiTenant' as const) : botType,
  };
  return {
    localMode,
    host: hostOf(env, localMode),
    port: integer(env, 'PORT', 3978, 0, 65535),
    bot,
    botFrameworkEndpoints: endpointKeys(env),
    oauthConnectionName:
      optional(env, 'OAUTH_CONNECTION_NAME') ??
      (localMode ? 'TenantSignIn' : required(env, 'OAUTH_CONNECTION_NAME', 'is required when BOT_ID is set')),
    graphUrl: url(env, 'GRAPH_URL', 'https://graph.microsoft.com'),
    redis: redisConfig(env),
    account: {
      id:
        optional(env, 'ACCOUNT_ID') ??
        (localMode ? '' : required(env, 'ACCOUNT_ID', 'is required when BOT_ID is set')),
      displayName: optional(env, 'ACCOUNT_NAME') ?? '',
    },
    bootstrapManagers: managers(env),
    ...accountTenant(env, managers(env)),
    requestLifetimeMs: integer(env, 'REQUEST_LIFETIME_MINUTES', 60, 1, 60 * 24 * 30) * 60_000,
    groupRequestLifetimeMs: integer(env, 'GROUP_REQUEST_LIFETIME_MINUTES', 24 * 60, 1, 60 * 24 * 30) * 60_000,
    approvalPolicy: oneOf(env, 'APPROVAL_POLICY', ['single', 'two-person'], 'single'),
    signInLifetimeMs: integer(env, 'SIGN_IN_LIFETIME_MINUTES', 15, 1, 60) * 60_000,
    ...(optional(env, 'EXTRA_CA_FILE') ? { extraCaFile: optional(env, 'EXTRA_CA_FILE') } : {}),
    ...(optional(env, 'TEAMS_APP_ID') ? { teamsAppId: optional(env, 'TEAMS_APP_ID') } : {}),
    notificationWorkers:
      oneOf(env, 'NOTIFICATION_WORKERS', ['in-process', 'off'], 'in-process') === 'in-process',
    ...tabConfig(env, localMode),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    // Local mode has no load balancer to tell.
    shutdownDelayMs: integer(env, 'SHUTDOWN_DELAY_SECONDS', localMode ? 0 : 5, 0, 60) * 1000,
    attemptsPerMinute: integer(env, 'ATTEMPTS_PER_MINUTE', 10, 1, 1_000_000),
  };
}

function redisConfig(env: Env): Config['redis'] {
  const keyPrefix = optional(env, 'REDIS_KEY_PREFIX') ?? 'pcta';
  const cluster = oneOf(env, 'REDIS_CLUSTER', ['true', 'false'], 'false') === 'true';
  if (!optional(env, 'REDIS_URL')) {
    if (cluster)
      throw new ConfigError('REDIS_URL', 'is required with REDIS_CLUSTER=true (a node of the Cluster)');
    return { cluster, keyPrefix };
  }
  const redisUrl = url(env, 'REDIS_URL', '');
  if (cluster && !['', '/', '/0'].includes(new URL(redisUrl).pathname)) {
    throw new ConfigError('REDIS_URL', 'names a database, but a Redis Cluster has only database 0');
  }
  return { url: redisUrl, cluster, keyPrefix };
}

function tabConfig(env: Env, localMode: boolean): { tab?: TabConfig } {
  const clientId = optional(env, 'AAD_APP_CLIENT_ID');
  if (!clientId) return {};
  const host = optional(env, 'BOT_DOMAIN');
  if (host !== undefined && !/^[a-z0-9.-]+(:\d+)?$/i.test(host)) {
    throw new ConfigError('BOT_DOMAIN', `must be a host name such as tenants.contoso.com, got "${host}"`);
  }
  return {
    tab: {
      clientId: guid(env, 'AAD_APP_CLIENT_ID'),
      clientSecret: required(
        env,
        'AAD_APP_CLIENT_SECRET',
        'is required with AAD_APP_CLIENT_ID (the tab signs in with it)',
      ),
      loginUrl: url(env, 'ENTRA_LOGIN_URL', 'https://login.microsoftonline.com'),
      ...(host
        ? { host }
        : localMode
          ? {}
          : { host: required(env, 'BOT_DOMAIN', 'is required with AAD_APP_CLIENT_ID') }),
      ...(optional(env, 'PUBLIC_URL') ? { publicUrl: url(env, 'PUBLIC_URL', '') } : {}),
      frameAncestors: [
        ...TEAMS_FRAME_ANCESTORS,
        ...(optional(env, 'TAB_FRAME_ANCESTORS')?.split(/\s+/) ?? []),
      ],
    },
  };
}

function endpointKeys(env: Env): Record<string, string> {
  const set = BOT_FRAMEWORK_ENDPOINT_KEYS.filter((key) => optional(env, key) !== undefined);
  if (set.length === 0) return {};
  const missing = BOT_FRAMEWORK_ENDPOINT_KEYS.filter((key) => optional(env, key) === undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      missing.join(', '),
      `must be set too: once ${set[0]} is set the SDK no longer uses its defaults, so every endpoint key is needed`,
    );
  }
  return Object.fromEntries(BOT_FRAMEWORK_ENDPOINT_KEYS.map((key) => [key, optional(env, key) as string]));
}

function accountTenant(env: Env, bootstrap: { tenantId: string }[]): Pick<Config, 'accountTenant'> {
  const tenants = [...new Set(bootstrap.map((m) => m.tenantId))];
  const tenantId = optional(env, 'ACCOUNT_TENANT_ID')
    ? guid(env, 'ACCOUNT_TENANT_ID').toLowerCase()
    : tenants.length === 1
      ? tenants[0]
      : undefined;
  if (!tenantId) return {};
  const defaultDomain = optional(env, 'ACCOUNT_TENANT_DOMAIN') ?? '';
  return {
    accountTenant: {
      tenantId,
      orgDisplayName: optional(env, 'ACCOUNT_TENANT_NAME') ?? optional(env, 'ACCOUNT_NAME') ?? tenantId,
      defaultDomain,
      verifiedDomains: defaultDomain ? [defaultDomain] : [],
    },
  };
}

function managers(env: Env): { tenantId: string; objectId: string }[] {
  const raw = optional(env, 'BOOTSTRAP_MANAGERS');
  if (!raw) return [];
  return raw.split(',').map((entry) => {
    const [tenantId, objectId, extra] = entry.trim().split('/');
    if (!tenantId || !objectId || extra !== undefined || !GUID.test(tenantId) || !GUID.test(objectId)) {
      throw new ConfigError(
        'BOOTSTRAP_MANAGERS',
        `has "${entry.trim()}"; expected tenantId/objectId (two GUIDs), comma-separated`,
      );
    }
    return { tenantId: tenantId.toLowerCase(), objectId: objectId.toLowerCase() };
  });
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function required(env: Env, name: string, why: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ConfigError(name, why);
  return value;
}

function guid(env: Env, name: string): string {
  const value = required(env, name, 'is required');
  if (!GUID.test(value)) throw new ConfigError(name, `must be a GUID, got "${value}"`);
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = optional(env, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

function url(env: Env, name: string, fallback: string): string {
  const value = optional(env, name) ?? fallback;
  try {
    const parsed = new URL(value);
    return parsed.toString().replace(/\/$/, '');
  } catch {
    throw new ConfigError(name, `must be a URL, got "${value}"`);
  }
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const value = optional(env, name) ?? fallback;
  if (!values.includes(value as T))
    throw new ConfigError(name, `must be one of ${values.join(', ')}, got "${value}"`);
  return value as T;
}
