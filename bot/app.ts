import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Config } from './config';
import type { Member, Person } from './core/model';
import type { Clock, OnceGate, TenantDirectory } from './core/ports';
import { TenantAssociation } from './core/tenantAssociation';
import { createServer } from './http/server';
import { GraphTenantDirectory } from './infra/graph/graphTenantDirectory';
import { MemoryOnceGate } from './infra/memory/memoryOnceGate';
import { createMemoryStores } from './infra/memory/memoryStores';
import { systemClock } from './infra/memory/systemClock';
import { randomIds } from './infra/randomIds';
import { connectRedis, isRedisUnavailable } from './infra/redis/connection';
import { RedisKeys } from './infra/redis/keys';
import { RedisOnceGate } from './infra/redis/redisOnceGate';
import { createRedisStores } from './infra/redis/redisStores';
import type { Stores } from './infra/stores';
import { fetchOptionsTrusting } from './infra/trustedFetch';
import { startNotifications } from './infra/notifications';
import { TeamsNotificationSender } from './teams/notificationSender';
import { consoleLog, type Log } from './log';
import { createAdapter } from './teams/adapter';
import { TenantAssociationBot } from './teams/bot';
import { CardActions } from './teams/cardActions';
import { ChatMemoryStore } from './teams/chatMemory';
import { handleActivity } from './teams/messagesEndpoint';
import { Subscriptions } from './teams/subscriptions';
import { TenantSignIn } from './teams/tenantSignIn';

/** Finished requests are remembered this long, so a late click is answered clearly. */
const RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export interface StartOptions {
  /** Members to write at start (local mode's demo people); production bootstraps Managers from config. */
  seedMembers?: Member[];
  clock?: Clock;
  log?: Log;
}

export interface RunningApp {
  /** e.g. http://127.0.0.1:3978 */
  origin: string;
  port: number;
  /** 'redis' or 'memory'. */
  storage: 'redis' | 'memory';
  service: TenantAssociation;
  close(): Promise<void>;
}

export async function startApp(config: Config, options: StartOptions = {}): Promise<RunningApp> {
  const log = options.log ?? consoleLog;
  const clock = options.clock ?? systemClock;
  const storage = await openStorage(config, clock, log);
  const { stores } = storage;

  const service = new TenantAssociation({
    account: config.account,
    members: stores.members,
    associations: stores.associations,
    requests: stores.requests,
    audit: stores.audit,
    clock,
    ids: randomIds,
    requestLifetimeMs: config.requestLifetimeMs,
    groupRequestLifetimeMs: config.groupRequestLifetimeMs,
    policy: config.approvalPolicy,
    retentionMs: RETENTION_MS,
  });
  await bootstrapMembers(config, stores, options.seedMembers ?? []);

  const graphFetch = fetchOptionsTrusting(config.extraCaFile);
  const directory: TenantDirectory = new GraphTenantDirectory({
    baseUrl: config.graphUrl,
    fetchOptions: graphFetch,
  });
  const memory = new ChatMemoryStore(stores.state);
  const bot = new TenantAssociationBot({
    service,
    memory,
    conversations: stores.conversations,
    subscriptions: new Subscriptions(service, stores.conversations, clock),
    clock,
    signIn: new TenantSignIn({
      connectionName: config.oauthConnectionName,
      service,
      directory,
      memory,
      gate: storage.gate,
      clock,
      signInLifetimeMs: config.signInLifetimeMs,
    }),
    cardActions: new CardActions(service, memory),
    isStorageFault: isRedisUnavailable,
    log,
  });
  const adapter = createAdapter(config);
  adapter.onTurnError = async (_context, error) => log('turn failed outside the bot', error);
  const notifications = config.notificationWorkers
    ? await startNotifications({
        ...(config.redis.url ? { redis: { url: config.redis.url } } : {}),
        prefix: config.redis.keyPrefix,
        stores,
        sender: new TeamsNotificationSender({
          adapter,
          botAppId: config.bot.id,
          ...(config.teamsAppId ? { teamsAppId: config.teamsAppId } : {}),
        }),
        accountId: config.account.id,
        log,
      })
    : undefined;

  const server: Server = createServer({
    messages: (request) => handleActivity(adapter, request, (context) => bot.run(context)),
    ready: storage.ready,
    log,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  return {
    origin: `http://${host}:${port}`,
    port,
    storage: storage.kind,
    service,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await notifications?.close();
      server.closeIdleConnections();
      await closed;
      await graphFetch.dispatcher?.close();
      await storage.close();
    },
  };
}

interface OpenStorage {
  kind: 'redis' | 'memory';
  stores: Stores;
  gate: OnceGate;
  ready: () => Promise<boolean>;
  close: () => Promise<void>;
}

async function openStorage(config: Config, clock: Clock, log: Log): Promise<OpenStorage> {
  if (!config.redis.url) {
    return {
      kind: 'memory',
      stores: createMemoryStores({ clock }),
      gate: new MemoryOnceGate(clock),
      ready: async () => true,
      close: async () => {},
    };
  }
  const client = await connectRedis(config.redis.url, { onError: (error) => log('redis', error) });
  const prefix = config.redis.keyPrefix;
  return {
    kind: 'redis',
    stores: createRedisStores(client, { prefix }),
    gate: new RedisOnceGate(client, new RedisKeys(prefix)),
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
