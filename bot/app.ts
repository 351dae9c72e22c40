import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import type { Member, Person } from './core/model';
import type { AttemptLimiter, Clock, OnceGate } from './core/ports';
import { TenantAssociation } from './core/tenantAssociation';
import { TenantSignIn } from './core/tenantSignIn';
import { createServer, type DependencyState } from './http/server';
import { GraphTenantDirectory } from './infra/graph/graphTenantDirectory';
import { MemoryOnceGate } from './infra/memory/memoryOnceGate';
import { createMemoryStores } from './infra/memory/memoryStores';
import { randomIds } from './infra/randomIds';
import { RedisOnceGate } from './infra/redis/redisOnceGate';
import { createRedisStores } from './infra/redis/redisStores';
import type { Stores } from './infra/stores';
import { systemClock } from './infra/systemClock';
import { fetchOptionsTrusting } from './infra/trustedFetch';
import { loggedSender } from './loggedSender';
import { consoleLog, type Log, type Logger } from './log';
import {
  createMemoryNotificationStores,
  createRedisNotificationStores,
  startNotifications,
  type NotificationStores,
} from './notifications';
import { Subscriptions } from './notifications/subscriptions';
import { connectRedisTarget } from './redis/connection';
import { RedisKeys } from './redis/keys';
import { ChatStateStore } from './state/chatState';
import { MemoryStateStorage } from './state/memoryStateStorage';
import { RedisStateStorage } from './state/redisStateStorage';
import type { StateStorage } from './state/stateStorage';
import { createTenantsTab } from './tab';
import { RedisSignInSessions } from './tab/redisSignInSessions';
import { MemorySignInSessions, type SignInSessions } from './tab/signInSessions';
import { settlesWithin } from './shutdown';
import { AccountUsers } from './core/accountUsers';
import { attemptLimitsOf, Attempts } from './core/attempts';
import { MemoryAttemptLimiter } from './infra/memory/memoryAttemptLimiter';
import { RedisAttemptLimiter } from './infra/redis/redisAttemptLimiter';
import { GraphUserSearch } from './infra/graph/graphUserSearch';
import { createAdapter } from './teams/adapter';
import { TeamsBot } from './teams/bot';
import { handleActivity } from './teams/messagesEndpoint';
import { notificationSenderFor } from './teams/notificationSender';

/** Finished requests are remembered this long, so a late click is answered clearly. */
const RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Shutdown lets turns in hand finish this long: Teams itself gives up on a turn after 15 s. */
const DRAIN_MS = 10_000;

export interface StartOptions {
  /** Members to write at start (local mode's demo people); production bootstraps Managers from config. */
  seedMembers?: Member[];
  clock?: Clock;
  log?: Logger;
}

export interface RunningApp {
  /** e.g. http://127.0.0.1:3978 */
  origin: string;
  port: number;
  storage: 'redis' | 'memory';
  /** /readyz answers 503 from now on; turns are still served until `close`. */
  stopTakingWork(): void;
  close(): Promise<void>;
}

/** The bot process: its storage, the use cases, the Teams edge, the notifications, and the HTTP server. */
export async function startApp(config: Config, options: StartOptions = {}): Promise<RunningApp> {
  const log = options.log ?? consoleLog;
  const clock = options.clock ?? systemClock;
  const storage = await openStorage(config, clock, log);
  const { stores, notificationStores } = storage;
  const account = config.account;

  const association = new TenantAssociation({
    account,
    members: stores.members,
    associations: stores.associations,
    requests: stores.requests,
    clock,
    ids: randomIds,
    requestLifetimeMs: config.requestLifetimeMs,
    groupRequestLifetimeMs: config.groupRequestLifetimeMs,
    policy: config.approvalPolicy,
    retentionMs: RETENTION_MS,
  });
  await bootstrapMembers(config, stores, options.seedMembers ?? []);
  if (config.accountTenant) await association.ensureAccountTenant(config.accountTenant);

  const graphFetch = fetchOptionsTrusting(config.extraCaFile);
  const directory = new GraphTenantDirectory({ baseUrl: config.graphUrl, fetchOptions: graphFetch });
  // One of each for the bot and the tab: neither holds anything of a person (the counts are in storage).
  const userSearch = new GraphUserSearch({ baseUrl: config.graphUrl, fetchOptions: graphFetch });
  const attempts = new Attempts(storage.attempts, attemptLimitsOf(config.attemptsPerMinute));
  const users = new AccountUsers({
    account,
    members: stores.members,
    associations: stores.associations,
    audit: stores.audit,
    clock,
    ids: randomIds,
  });
  const signIn = new TenantSignIn({
    association,
    users,
    directory,
    gate: storage.gate,
    clock,
    signInLifetimeMs: config.signInLifetimeMs,
  });
  let port = 0;
  const tab = config.tab
    ? createTenantsTab(config.tab, {
        account,
        association,
        signIn,
        users,
        userSearch,
        attempts,
        sessions: storage.tabSessions,
        clock,
        origin: () => publicUrlOf(config, port),
        signInLifetimeMs: config.signInLifetimeMs,
        ...(config.extraCaFile ? { extraCaFile: config.extraCaFile } : {}),
      })
    : undefined;
  const bot = new TeamsBot(
    {
      account,
      association,
      signIn,
      users,
      userSearch,
      attempts,
      subscriptions: new Subscriptions({
        account,
        members: stores.members,
        conversations: notificationStores.conversations,
      }),
      conversations: notificationStores.conversations,
      clock,
      connectionName: config.oauthConnectionName,
      log,
    },
    new ChatStateStore(storage.state),
  );
  const adapter = createAdapter(config);
  adapter.onTurnError = async (_context, error) => log('turn failed outside the bot', error);
  const notifications = config.notificationWorkers
    ? await startNotifications({
        redis: config.redis,
        keys: storage.keys,
        members: stores.members,
        stores: notificationStores,
        sender: loggedSender(notificationSenderFor(config), log),
        accountId: account.id,
        log,
      })
    : undefined;

  let stopping = false;
  const server = createServer({
    messages: (request) => handleActivity(adapter, request, (context) => bot.run(context), log),
    dependencies: {
      redis: async () => (storage.kind === 'memory' ? 'not used' : (await storage.ready()) ? 'up' : 'down'),
      queue: async (): Promise<DependencyState> =>
        !notifications ? 'not used' : notifications.ready() ? 'up' : 'down',
    },
    stopping: () => stopping,
    log,
    tab: { ...(tab ? { tab } : {}), frameAncestors: config.tab?.frameAncestors ?? [] },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  return {
    origin: `http://${host}:${port}`,
    port,
    storage: storage.kind,
    stopTakingWork: () => {
      stopping = true;
    },
    close: async () => {
      stopping = true;
      // Stop taking turns, let those in hand finish, then cut whatever connection is still open. Node closes
      // only the connections idle at close: the others are closed as their answer goes out.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.server.closeIdleConnections();
      const idle = setInterval(() => server.server.closeIdleConnections(), 50);
      if (!(await settlesWithin(closed, DRAIN_MS))) server.server.closeAllConnections();
      await closed;
      clearInterval(idle);
      await notifications?.close();
      await graphFetch.dispatcher?.close();
      await storage.close();
    },
  };
}

/**
 * Where people reach the bot: PUBLIC_URL, else https://BOT_DOMAIN; local mode, with neither, is
 * http://localhost:PORT ("localhost", which the tab's SSO audience names, not 127.0.0.1).
 */
function publicUrlOf(config: Config, port: number): string {
  if (config.tab?.publicUrl) return config.tab.publicUrl;
  if (config.tab?.host) return `https://${config.tab.host}`;
  return `http://localhost:${port}`;
}

interface OpenStorage {
  kind: 'redis' | 'memory';
  keys: RedisKeys;
  stores: Stores;
  notificationStores: NotificationStores;
  state: StateStorage;
  gate: OnceGate;
  attempts: AttemptLimiter;
  tabSessions: SignInSessions;
  ready: () => Promise<boolean>;
  close: () => Promise<void>;
}

async function openStorage(config: Config, clock: Clock, log: Log): Promise<OpenStorage> {
  const keys = new RedisKeys(config.redis.keyPrefix);
  if (!config.redis.url) {
    const notificationStores = createMemoryNotificationStores();
    return {
      kind: 'memory',
      keys,
      stores: createMemoryStores({ clock, outbox: notificationStores.outbox }),
      notificationStores,
      state: new MemoryStateStorage({ clock }),
      gate: new MemoryOnceGate(clock),
      attempts: new MemoryAttemptLimiter(clock),
      tabSessions: new MemorySignInSessions(clock),
      ready: async () => true,
      close: async () => {},
    };
  }
  const client = await connectRedisTarget(
    { url: config.redis.url, cluster: config.redis.cluster },
    { onError: (error) => log('redis', error) },
  );
  return {
    kind: 'redis',
    keys,
    stores: createRedisStores(client, keys),
    notificationStores: createRedisNotificationStores(client, keys),
    state: new RedisStateStorage(client, keys),
    gate: new RedisOnceGate(client, keys),
    attempts: new RedisAttemptLimiter(client, keys),
    tabSessions: new RedisSignInSessions(client, keys),
    ready: async () => (await client.ping()) === 'PONG',
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

async function bootstrapMembers(config: Config, stores: Stores, seed: Member[]): Promise<void> {
  for (const member of seed) {
    const existing = await stores.members.get(member.accountId, member);
    if (!existing) await stores.members.put(member);
  }
  const managers: Person[] = config.bootstrapManagers.map((m) => ({ ...m, displayName: '' }));
  if (managers.length > 0) await stores.members.ensureManagers(config.account.id, managers);
}
