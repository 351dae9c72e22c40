import { randomUUID } from 'node:crypto';
import type { AttemptLimiter, OnceGate } from '../../bot/core/ports';
import { MemoryAttemptLimiter } from '../../bot/infra/memory/memoryAttemptLimiter';
import { MemoryOnceGate } from '../../bot/infra/memory/memoryOnceGate';
import { createMemoryStores } from '../../bot/infra/memory/memoryStores';
import { RedisAttemptLimiter } from '../../bot/infra/redis/redisAttemptLimiter';
import { RedisOnceGate } from '../../bot/infra/redis/redisOnceGate';
import { createRedisStores } from '../../bot/infra/redis/redisStores';
import type { Stores } from '../../bot/infra/stores';
import {
  createMemoryNotificationStores,
  createRedisNotificationStores,
  type NotificationStores,
} from '../../bot/notifications';
import { connectRedis, connectRedisCluster, type RedisClient } from '../../bot/redis/connection';
import { RedisKeys } from '../../bot/redis/keys';
import { MemoryStateStorage } from '../../bot/state/memoryStateStorage';
import { RedisStateStorage } from '../../bot/state/redisStateStorage';
import type { StateStorage } from '../../bot/state/stateStorage';
import { clusterNodesFromEnv, deleteKeys } from '../support/redisServer';

/** Every store of a deployment, on one backend. */
export interface AllStores extends Stores, NotificationStores {
  state: StateStorage;
  gate: OnceGate;
  attempts: AttemptLimiter;
}

/** Fresh, isolated stores; `other` is a second set on another connection where the backend has one. */
export interface Fixture {
  stores: AllStores;
  other: AllStores;
  now(): Date;
  elapse(ms: number): Promise<void>;
  stateStorage(ttlMs: number): StateStorage;
}

export interface Backend {
  name: string;
  /** A Cluster checks a multi-key state write item by item: its keys live in different slots. */
  atomicBatches: boolean;
  fixture(): Fixture;
}

const memory: Backend = {
  name: 'memory',
  atomicBatches: true,
  fixture() {
    let time = Date.parse('2026-01-01T00:00:00Z');
    const clock = { now: () => new Date(time) };
    const notificationStores = createMemoryNotificationStores();
    const stores: AllStores = {
      ...createMemoryStores({ clock, outbox: notificationStores.outbox }),
      ...notificationStores,
      state: new MemoryStateStorage({ clock }),
      gate: new MemoryOnceGate(clock),
      attempts: new MemoryAttemptLimiter(clock),
    };
    return {
      stores,
      other: stores,
      now: clock.now,
      elapse: async (ms) => {
        time += ms;
      },
      stateStorage: (ttlMs) => new MemoryStateStorage({ ttlMs, clock }),
    };
  },
};

function redisStores(client: RedisClient, keys: RedisKeys): AllStores {
  return {
    ...createRedisStores(client, keys),
    ...createRedisNotificationStores(client, keys),
    state: new RedisStateStorage(client, keys),
    gate: new RedisOnceGate(client, keys),
    attempts: new RedisAttemptLimiter(client, keys),
  };
}

/** Two connections so that concurrency really crosses clients; each fixture gets its own key prefix. */
function redisBackend(
  name: string,
  atomicBatches: boolean,
  connect: () => Promise<RedisClient>,
): Backend & { open(): Promise<void>; close(): Promise<void> } {
  const runPrefix = `test:contract:${randomUUID()}`;
  let clients: RedisClient[] = [];
  return {
    name,
    atomicBatches,
    async open() {
      clients = [await connect(), await connect()];
    },
    async close() {
      await deleteKeys(clients[0], `${runPrefix}*`);
      await Promise.all(clients.map((c) => c.quit()));
    },
    fixture() {
      const keys = new RedisKeys(`${runPrefix}:${randomUUID()}`);
      return {
        stores: redisStores(clients[0], keys),
        other: redisStores(clients[1], keys),
        now: () => new Date(),
        elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        stateStorage: (ttlMs) => new RedisStateStorage(clients[0], keys, ttlMs),
      };
    },
  };
}

/**
 * The backends a store contract runs on: memory, the test run's Redis, and the test run's 3-master Redis
 * Cluster. Call once per test file, at the top level: it opens and closes the connections around the file.
 */
export function contractBackends(): Backend[] {
  const redis = redisBackend('redis', true, () => connectRedis(process.env.REDIS_URL as string));
  const cluster = redisBackend('redis cluster', false, () => connectRedisCluster(clusterNodesFromEnv()));
  beforeAll(() => Promise.all([redis.open(), cluster.open()]), 30_000);
  afterAll(() => Promise.all([redis.close(), cluster.close()]));
  return [memory, redis, cluster];
}
