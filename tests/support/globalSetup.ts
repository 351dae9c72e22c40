import { buildTab } from '../../scripts/buildTab';
import { startRedisCluster, startRedisServer } from './redisServer';

/**
 * Every test runs on a real Redis: the one named by REDIS_URL, or a private redis-server started here; and
 * the store contracts also on a private 3-master Redis Cluster (REDIS_CLUSTER_NODES, started here unless
 * given). Tests isolate themselves with a key prefix of their own and never flush a database.
 */
export default async function globalSetup(): Promise<void> {
  // The bot serves the Tenants tab from its bundle, which `npm start` builds first; so do the tests.
  await buildTab();
  const started = globalThis as { __testRedis?: { stop(): Promise<void> }[] };
  started.__testRedis = [];
  if (!process.env.REDIS_URL) {
    const redis = await startRedisServer();
    process.env.REDIS_URL = redis.url;
    started.__testRedis.push(redis);
  }
  if (!process.env.REDIS_CLUSTER_NODES) {
    const cluster = await startRedisCluster(3);
    process.env.REDIS_CLUSTER_NODES = cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',');
    started.__testRedis.push(cluster);
  }
}
