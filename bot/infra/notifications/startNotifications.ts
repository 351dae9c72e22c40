import Redis, { type RedisOptions } from 'ioredis';
import type { NotificationSender } from '../../core/ports';
import { consoleLog, type Log } from '../../log';
import { DEFAULT_KEY_PREFIX, RedisKeys } from '../redis/keys';
import type { Stores } from '../stores';
import { listDeadLetters, type DeadLetter } from './deadLetters';
import { deliveryPolicy, enforcedLimits, type DeliveryPolicy } from './deliveryPolicy';
import { openDeliveryQueue } from './deliveryQueue';
import { startDeliveryWorker } from './deliveryWorker';
import { startMemoryNotifications } from './memoryNotifications';
import { OutboxRelay } from './outboxRelay';
import { RateLimiter } from './rateLimiter';
import { RedisDeliveryGuard } from './redisDeliveryGuard';
import { RedisWindowLog } from './redisWindowLog';

export interface NotificationRedis {
  /** redis:// or rediss:// */
  url: string;
  /** Anything else for ioredis (tls, username, password); BullMQ's own requirements win. */
  options?: RedisOptions;
}

export interface NotificationsOptions {
  /** The queue's Redis. Without one (local mode) deliveries run in this process and do not survive it. */
  redis?: NotificationRedis;
  /** The deployment's key prefix (REDIS_KEY_PREFIX). */
  prefix?: string;
  stores: Pick<Stores, 'members' | 'conversations' | 'outbox'>;
  sender: NotificationSender;
  accountId: string;
  log?: Log;
  /** Deliveries one process works on at once; most of them are waiting for their send slot. Default 100. */
  concurrency?: number;
  policy?: Partial<DeliveryPolicy>;
}

export interface RunningNotifications {
  durable: boolean;
  deadLetters(limit?: number): Promise<DeadLetter[]>;
  /** Stops taking work and waits for the deliveries in hand. */
  close(): Promise<void>;
}

/** Starts the outbox relay and the delivery worker: in the bot process, or alone (`npm run worker`). */
export async function startNotifications(opts: NotificationsOptions): Promise<RunningNotifications> {
  const policy = deliveryPolicy(opts.policy);
  const log = opts.log ?? consoleLog;
  if (!opts.redis) {
    await warmUp(opts.sender, log);
    const memory = startMemoryNotifications({ ...opts, policy, log });
    return { durable: false, ...memory };
  }

  const keys = new RedisKeys(opts.prefix ?? DEFAULT_KEY_PREFIX);
  const connection = queueConnection(opts.redis, log);
  const relayConnection = queueConnection(opts.redis, log);
  const limits = enforcedLimits(policy);
  const deps = {
    conversations: opts.stores.conversations,
    sender: opts.sender,
    limiter: new RateLimiter(new RedisWindowLog(connection, keys, limits)),
    guard: new RedisDeliveryGuard(connection, keys),
    policy,
    log,
  };
  await warmUp(opts.sender, log);
  const queue = openDeliveryQueue(connection, keys);
  queue.on('error', (err) => log('notification queue', err));
  const worker = startDeliveryWorker(connection, keys, deps, opts.concurrency ?? 100);
  const relay = new OutboxRelay({
    client: relayConnection,
    keys,
    accountId: opts.accountId,
    stores: opts.stores,
    queue,
    policy,
    log,
  });
  relay.start();

  return {
    durable: true,
    deadLetters: (limit) => listDeadLetters(queue, limit),
    close: async () => {
      await relay.close();
      await worker.close();
      await queue.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

/** The dead letters of a deployment, for operators (`npm run notifications:dead-letters`). */
export async function readDeadLetters(
  redis: NotificationRedis,
  prefix: string,
  limit = 100,
): Promise<DeadLetter[]> {
  const connection = queueConnection(redis, () => undefined);
  const queue = openDeliveryQueue(connection, new RedisKeys(prefix));
  try {
    return await listDeadLetters(queue, limit);
  } finally {
    await queue.close();
    await connection.quit().catch(() => connection.disconnect());
  }
}

/** A sender may prepare itself (fetch a token) so that the first sends keep to their slots; failing that is no reason not to start. */
async function warmUp(
  sender: NotificationSender & { warmUp?: () => Promise<void> },
  log: Log,
): Promise<void> {
  try {
    await sender.warmUp?.();
  } catch (err) {
    log('notification sender: warm-up failed; the first sends will be slower', err);
  }
}

/**
 * Background work may wait for Redis rather than fail fast (unlike the bot's request path): commands queue
 * while it reconnects, and BullMQ requires that of its blocking connections.
 */
function queueConnection(redis: NotificationRedis, log: Log): Redis {
  const client = new Redis(redis.url, { ...redis.options, maxRetriesPerRequest: null });
  client.on('error', (err) => log('notification redis', err));
  return client;
}
