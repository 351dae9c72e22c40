import { startRedisServer } from './redisServer';

/**
 * Every test runs on a real Redis: the one named by REDIS_URL, or a private redis-server started here.
 * Tests isolate themselves with a key prefix of their own and never flush a database.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.REDIS_URL) return;
  const redis = await startRedisServer();
  process.env.REDIS_URL = redis.url;
  (globalThis as { __testRedis?: typeof redis }).__testRedis = redis;
}
