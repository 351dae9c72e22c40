import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from '../../bot/http/server';

describe("restify's changes to Node's HTTP classes stay inside the bot's server", () => {
  it('other servers in the process keep Node’s own request and response (writeHead still chains)', async () => {
    const before = Reflect.ownKeys(http.ServerResponse.prototype);
    const bot = createServer({
      messages: async () => ({ status: 200 }),
      dependencies: {},
      stopping: () => false,
      log: () => undefined,
      tab: { frameAncestors: [] },
    });
    expect(Reflect.ownKeys(http.ServerResponse.prototype)).toEqual(before);
    expect('send' in http.ServerResponse.prototype).toBe(false);

    const plain = http.createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/plain' }).end('plain'),
    );
    await Promise.all([listen(plain), listen(bot.server)]);
    try {
      const answer = await fetch(`http://127.0.0.1:${(plain.address() as AddressInfo).port}/`);
      expect([answer.status, await answer.text()]).toEqual([200, 'plain']);
      const health = await fetch(`http://127.0.0.1:${(bot.address() as AddressInfo).port}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });
    } finally {
      plain.close();
      bot.close();
    }
  });
});

function listen(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
}
