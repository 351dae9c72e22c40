import type { RedisTarget } from '../../bot/redis/connection';
import { clusterNodesFromEnv } from './redisServer';

/** One of the two ways a deployment keeps its data: what it sets in REDIS_URL and REDIS_CLUSTER. */
export interface RedisDeployment {
  name: string;
  target: RedisTarget;
  env: { REDIS_URL: string; REDIS_CLUSTER: 'true' | 'false' };
}

/**
 * The test run's Redis, and its 3-master Redis Cluster reached through one node as a deployment names it.
 * Tests that run on both take the same steps and expect the same outcomes.
 */
export function redisDeployments(): RedisDeployment[] {
  return [oneRedis(), redisCluster()];
}

export function oneRedis(url = process.env.REDIS_URL): RedisDeployment {
  if (!url) throw new Error('REDIS_URL is not set: the jest global setup starts a redis-server');
  return { name: 'one Redis', target: { url }, env: { REDIS_URL: url, REDIS_CLUSTER: 'false' } };
}

export function redisCluster(): RedisDeployment {
  const [node] = clusterNodesFromEnv();
  const url = `redis://${node.host}:${node.port}`;
  return {
    name: 'a Redis Cluster',
    target: { url, cluster: true },
    env: { REDIS_URL: url, REDIS_CLUSTER: 'true' },
  };
}
