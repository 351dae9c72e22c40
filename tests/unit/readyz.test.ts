import type { AddressInfo } from 'node:net';
import { createServer, type DependencyState } from '../../bot/http/server';

/** The bot's HTTP surface with its dependency checks given, listening on a free loopback port. */
async function serving(dependencies: Record<string, () => Promise<DependencyState>>) {
  const server = createServer({
    messages: async () => ({ status: 200 }),
    dependencies,
    stopping: () => false,
    log: () => undefined,
    tab: { frameAncestors: [] },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    readyz: async () => {
      const response = await fetch(`${origin}/readyz`);
      return [response.status, await response.json()];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('/readyz', () => {
  it('names each dependency, and is 503 when either is down', async () => {
    const http = await serving({ redis: async () => 'up', queue: async () => 'down' });
    try {
      expect(await http.readyz()).toEqual([503, { status: 'unavailable', redis: 'up', queue: 'down' }]);
    } finally {
      await http.close();
    }
  });

  it('reports a check that throws, or does not answer within 2 s, as down, and answers in time', async () => {
    const never = new Promise<DependencyState>(() => undefined);
    const http = await serving({
      redis: async () => Promise.reject(new Error('ECONNREFUSED')),
      queue: () => never,
    });
    try {
      const started = Date.now();
      expect(await http.readyz()).toEqual([503, { status: 'unavailable', redis: 'down', queue: 'down' }]);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await http.close();
    }
  });
});
