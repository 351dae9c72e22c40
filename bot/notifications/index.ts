import type { MemberStore } from '../core/ports';
import { consoleLog, type Log } from '../log';
import { openWaitingClient, type RedisClient, type RedisTarget } from '../redis/connection';
import type { RedisKeys } from '../redis/keys';
import { deliveryPolicy, enforcedLimits, type DeliveryPolicy } from './deliveryPolicy';
import { MemoryConversationStore } from './memory/conversationStore';
import { startInProcessDelivery } from './memory/inProcessDelivery';
import { MemoryOutbox } from './memory/outbox';
import type { DeadLetter, NotificationSender, NotificationStores, Requeued } from './ports';
import { RateLimiter } from './rateLimiter';
import { RedisConversationStore } from './redis/conversationStore';
import { deadLetterIds, listDeadLetters, requeueDeadLetter } from './redis/deadLetters';
import { RedisDeliveryGuard } from './redis/deliveryGuard';
import { openDeliveryQueue } from './redis/deliveryQueue';
import { startDeliveryWorker } from './redis/deliveryWorker';
import { settlesWithin } from '../shutdown';
import { RedisOutbox } from './redis/outbox';
import { OutboxRelay } from './redis/outboxRelay';
import { RedisWindowLog } from './redis/windowLog';

export type { DeliveryPolicy } from './deliveryPolicy';
export type { DeadLetter, NotificationSender, NotificationStores, Requeued } from './ports';

export interface NotificationsOptions {
  /** The deployment's Redis or Cluster (config.redis). Without a URL (local mode) deliveries run in this process. */
  redis?: { url?: string; cluster?: boolean };
  keys: RedisKeys;
  /** Who the Managers are: they hear about every event. */
  members: MemberStore;
  stores: NotificationStores;
  sender: NotificationSender;
  accountId: string;
  log?: Log;
  /** Deliveries one process works on at once; most of them are waiting for their send slot. Default 100. */
  concurrency?: number;
  policy?: Partial<DeliveryPolicy>;
}

export interface RunningNotifications {
  durable: boolean;
  /** Whether deliveries are being taken: the queue's Redis connections are up and its worker runs. */
  ready(): boolean;
  deadLetters(limit?: number): Promise<DeadLetter[]>;
  /** Stops taking work and waits for the deliveries in hand. */
  close(): Promise<void>;
}

/** The feature's stores on the deployment's Redis (or Cluster). */
export function createRedisNotificationStores(client: RedisClient, keys: RedisKeys): NotificationStores {
  return { conversations: new RedisConversationStore(client, keys), outbox: new RedisOutbox(client, keys) };
}

/** The feature's stores in this process; request transitions append to `outbox` in the same step. */
export function createMemoryNotificationStores(): NotificationStores & { outbox: MemoryOutbox } {
  return { conversations: new MemoryConversationStore(), outbox: new MemoryOutbox() };
}

/** How long each shutdown step waits; a delivery cut short keeps its lock until it lapses, then is redone. */
const CLOSE_GRACE_MS = 5000;

/**
 * Starts the outbox relay and the delivery worker: in the bot process, or alone (`npm run worker`). With
 * Redis, any number of processes share the queue; without, deliveries run on timers here and do not
 * survive the process, which local mode says at start.
 */
export async function startNotifications(opts: NotificationsOptions): Promise<RunningNotifications> {
  const policy = deliveryPolicy(opts.policy);
  const log = opts.log ?? consoleLog;
  await warmUp(opts.sender, log);
  if (!opts.redis?.url) {
    const inProcess = startInProcessDelivery({ ...opts, policy, log });
    return { durable: false, ready: () => true, ...inProcess };
  }

  const { keys } = opts;
  const target = { url: opts.redis.url, cluster: opts.redis.cluster ?? false };
  const connection = queueConnection(target, log);
  const relayConnection = queueConnection(target, log);
  const deps = {
    conversations: opts.stores.conversations,
    sender: opts.sender,
    limiter: new RateLimiter(new RedisWindowLog(connection, keys, enforcedLimits(policy))),
    guard: new RedisDeliveryGuard(connection, keys),
    policy,
    log,
  };
  const queue = openDeliveryQueue(connection, keys);
  queue.on('error', (err) => log('notification queue', err));
  const worker = startDeliveryWorker(connection, keys, deps, opts.concurrency ?? 100);
  const relay = new OutboxRelay({
    client: relayConnection,
    keys,
    accountId: opts.accountId,
    stores: { members: opts.members, conversations: opts.stores.conversations },
    queue,
    policy,
    log,
  });
  relay.start();

  return {
    durable: true,
    ready: () => connection.status === 'ready' && relayConnection.status === 'ready' && worker.isRunning(),
    deadLetters: (limit) => listDeadLetters(queue, limit),
    close: async () => {
      await relay.close();
      // BullMQ's Worker.close waits for its blocking connection, which can stay reconnecting for ever
      // after Redis went away (taskforcesh/bullmq#4656): past the grace, stop without the deliveries in hand
      // (their locks lapse and another worker takes them up again).
      if (!(await settlesWithin(worker.close(), CLOSE_GRACE_MS))) {
        await settlesWithin(worker.close(true), CLOSE_GRACE_MS);
        await worker.disconnect().catch(() => undefined);
      }
      await settlesWithin(queue.close(), CLOSE_GRACE_MS);
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

/** The dead letters of a deployment, for operators (`npm run notifications:dead-letters`). */
export function readDeadLetters(target: RedisTarget, keys: RedisKeys, limit = 100): Promise<DeadLetter[]> {
  return withQueue(target, keys, (queue) => listDeadLetters(queue, limit));
}

/**
 * Puts dead letters back in the queue with all their attempts, for the workers to deliver
 * (`npm run notifications:requeue`); `'all'` takes every dead letter there is now. Each is requeued once:
 * one already requeued, or delivered since, is left alone and reported so.
 */
export function requeueDeadLetters(
  target: RedisTarget,
  keys: RedisKeys,
  which: string[] | 'all',
): Promise<Requeued[]> {
  return withQueue(target, keys, async (queue) => {
    const ids = which === 'all' ? await deadLetterIds(queue) : which;
    const requeued: Requeued[] = [];
    for (const deliveryId of ids)
      requeued.push({ deliveryId, outcome: await requeueDeadLetter(queue, deliveryId) });
    return requeued;
  });
}

async function withQueue<T>(
  target: RedisTarget,
  keys: RedisKeys,
  use: (queue: ReturnType<typeof openDeliveryQueue>) => Promise<T>,
): Promise<T> {
  const connection = queueConnection(target, () => undefined);
  const queue = openDeliveryQueue(connection, keys);
  try {
    return await use(queue);
  } finally {
    await queue.close();
    await connection.quit().catch(() => connection.disconnect());
  }
}

/** Failing to prepare is no reason not to start: the first sends are only slower. */
async function warmUp(sender: NotificationSender, log: Log): Promise<void> {
  try {
    await sender.warmUp?.();
  } catch (err) {
    log('notification sender: warm-up failed; the first sends will be slower', err);
  }
}

/** Unlike the bot's request path, background work waits for Redis to come back rather than fail fast. */
function queueConnection(target: RedisTarget, log: Log): RedisClient {
  return openWaitingClient(target, (err) => log('notification redis', err));
}
