import { clusterSeed } from '../../bot/redis/connection';

describe('reaching a Redis Cluster from REDIS_URL', () => {
  it('every node gets the credentials and TLS of the URL, and TLS checks the name the URL gives', () => {
    expect(clusterSeed('rediss://bot:p%40ss@pcta.redis.cache.windows.net:10000')).toEqual({
      node: { host: 'pcta.redis.cache.windows.net', port: 10000 },
      redis: {
        username: 'bot',
        password: 'p@ss',
        tls: { servername: 'pcta.redis.cache.windows.net' },
      },
    });
  });

  it('a plain URL is a node on the default port, with no credentials and no TLS', () => {
    expect(clusterSeed('redis://10.0.0.4')).toEqual({ node: { host: '10.0.0.4', port: 6379 }, redis: {} });
    expect(clusterSeed('redis://:secret@10.0.0.4:7000').redis).toEqual({ password: 'secret' });
  });
});
