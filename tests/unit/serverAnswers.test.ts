import type { AddressInfo } from 'node:net';
import { createServer } from '../../bot/http/server';

describe("the bot's HTTP answers", () => {
  it('an answer that cannot be written as JSON is a 500 the bot logs, with nothing of the request in it', async () => {
    const cyclic: Record<string, unknown> = { type: 'invokeResponse' };
    cyclic.self = cyclic;
    const logged: unknown[][] = [];
    const server = createServer({
      messages: async () => ({ status: 200, body: cyclic }),
      dependencies: {},
      stopping: () => false,
      log: (...line: unknown[]) => void logged.push(line),
      tab: { frameAncestors: [] },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer secret-token' },
        body: JSON.stringify({
          type: 'message',
          serviceUrl: 'x',
          conversation: { id: 'c' },
          from: { id: 'f' },
        }),
      });
      expect(answer.status).toBe(500);
      expect(answer.headers.get('content-type')).toBe('application/json');
      expect(await answer.json()).toEqual({ error: 'The bot could not write its answer.' });
      expect(logged.map(([message]) => message)).toEqual(['an answer could not be written as JSON']);
      expect(JSON.stringify(logged.map(([, error]) => String(error)))).not.toContain('secret-token');
      // restify's own logger (pino, whatever its types say) would write the whole request, its Authorization
      // header included, to stdout.
      expect((server.log as unknown as { level: string }).level).toBe('silent');
    } finally {
      server.close();
    }
  });
});
