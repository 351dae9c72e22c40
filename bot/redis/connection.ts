import Redis, { Cluster, type ClusterNode, type ClusterOptions, type RedisOptions } from 'ioredis';
import { RedisUnavailableError } from './unavailable';

export { RedisUnavailableError, isRedisUnavailable } from './unavailable';

/** What the stores accept: one Redis, or a Redis Cluster (every key they touch together shares a slot). */
export type RedisClient = Redis | Cluster;

/** Where a deployment's Redis is (REDIS_URL), and whether that URL is one node of a Redis Cluster (REDIS_CLUSTER). */
export interface RedisTarget {
  url: string;
  /** The URL names one node of a Cluster, any master: ioredis finds the others from it. */
  cluster?: boolean;
}

export interface RedisConnectionOptions {
  /** Rejects a command whose reply has not come back: a half-open connection may never close. Default 5000. */
  commandTimeoutMs?: number;
  /** Limit on establishing a connection, the first one and every reconnection. Default 5000. */
  connectTimeoutMs?: number;
  /** Reconnection backs off up to this delay between attempts, and keeps trying for ever. Default 1000. */
  maxReconnectDelayMs?: number;
  /** Connection errors (also each failed reconnection attempt); without it ioredis prints them to the console. */
  onError?: (err: Error) => void;
  /** Anything else for ioredis (tls, username, password, db, connectionName); the fail-fast settings win. */
  redis?: ClusterOptions['redisOptions'];
}

/**
 * A client that is ready to use, or RedisUnavailableError if Redis cannot be reached now. Once connected
 * it reconnects by itself whenever Redis returns; meanwhile every call rejects with RedisUnavailableError
 * at once (no offline queue: the bot must answer Teams within seconds, and a change queued behind an
 * outage would run long after the user was told it failed). Close it with `quit()` at shutdown.
 */
export async function connectRedis(url: string, opts: RedisConnectionOptions = {}): Promise<Redis> {
  const client = new Redis(url, {
    ...opts.redis,
    ...failFastOptions(opts),
    enableOfflineQueue: false,
    retryStrategy: reconnectDelay(opts),
    lazyConnect: true,
  });
  return ready(client, opts);
}

/** The same for a Redis Cluster, given some of its nodes. */
export async function connectRedisCluster(
  nodes: ClusterNode[],
  opts: RedisConnectionOptions = {},
): Promise<Cluster> {
  const cluster = new Cluster(nodes, {
    enableOfflineQueue: false,
    clusterRetryStrategy: reconnectDelay(opts),
    redisOptions: { ...opts.redis, ...failFastOptions(opts) },
    lazyConnect: true,
  });
  return ready(cluster, opts);
}

/** connectRedis, or connectRedisCluster through the node the URL names. */
export function connectRedisTarget(
  target: RedisTarget,
  opts: RedisConnectionOptions = {},
): Promise<RedisClient> {
  if (!target.cluster) return connectRedis(target.url, opts);
  const seed = clusterSeed(target.url);
  return connectRedisCluster([seed.node], { ...opts, redis: { ...seed.redis, ...opts.redis } });
}

/**
 * A client for background work (the delivery queue, the outbox relay), which may wait for Redis rather than
 * fail fast: commands queue while it reconnects, and BullMQ requires that of its blocking connections.
 */
export function openWaitingClient(target: RedisTarget, onError: (err: Error) => void): RedisClient {
  const waiting = { maxRetriesPerRequest: null };
  let client: RedisClient;
  if (target.cluster) {
    const seed = clusterSeed(target.url);
    client = new Cluster([seed.node], { redisOptions: { ...seed.redis, ...waiting } });
  } else {
    client = new Redis(target.url, waiting);
  }
  client.on('error', onError);
  return client;
}

/**
 * The node a Cluster URL names, and what every node shares: credentials and TLS. ioredis reads those from a
 * URL for one Redis only; the nodes it discovers are announced by address, so TLS checks their certificates
 * against the URL's host name.
 */
export function clusterSeed(url: string): { node: ClusterNode; redis: RedisOptions } {
  const parsed = new URL(url);
  return {
    node: { host: parsed.hostname, port: Number(parsed.port || 6379) },
    redis: {
      ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
      ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
      ...(parsed.protocol === 'rediss:' ? { tls: { servername: parsed.hostname } } : {}),
    },
  };
}

function failFastOptions(opts: RedisConnectionOptions): RedisOptions {
  return {
    // Commands in flight when the connection drops reject at the drop, instead of after N reconnections...
    maxRetriesPerRequest: 0,
    // ...and are never replayed later: a resent script or XADD would apply after the caller saw a failure.
    autoResendUnfulfilledCommands: false,
    commandTimeout: opts.commandTimeoutMs ?? 5000,
    connectTimeout: opts.connectTimeoutMs ?? 5000,
  };
}

function reconnectDelay(opts: RedisConnectionOptions): (attempt: number) => number {
  const max = opts.maxReconnectDelayMs ?? 1000;
  return (attempt) => Math.min(100 * attempt, max);
}

async function ready<C extends RedisClient>(client: C, opts: RedisConnectionOptions): Promise<C> {
  client.on('error', opts.onError ?? ignore);
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw new RedisUnavailableError(err);
  }
  return client;
}

function ignore(): void {}
