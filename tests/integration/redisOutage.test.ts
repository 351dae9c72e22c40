import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssociationRequest } from '../../bot/core/model';
import { createRedisStores } from '../../bot/infra/redis/redisStores';
import { connectRedis, isRedisUnavailable, RedisUnavailableError } from '../../bot/redis/connection';
import { RedisKeys } from '../../bot/redis/keys';
import { RedisStateStorage } from '../../bot/state/redisStateStorage';
import { ACCOUNT, association, audit, created, transition } from '../contract/storeFixtures';
import { freePort } from '../support/freePort';
import { startRedisServer } from '../support/redisServer';

describe('Redis going away', () => {
  test('connectRedis to nothing fails promptly with RedisUnavailableError', async () => {
    const port = await freePort();
    const started = Date.now();
    // ioredis gives a socket this long to close after disconnect(); the refused one never will.
    const redis = { disconnectTimeout: 100 };
    await expect(connectRedis(`redis://127.0.0.1:${port}`, { redis })).rejects.toBeInstanceOf(
      RedisUnavailableError,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('calls fail fast while Redis is down, nothing is half-written, and the same client recovers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcta-redis-'));
    let server = await startRedisServer(undefined, { durableIn: dir });
    const client = await connectRedis(server.url, { maxReconnectDelayMs: 200 });
    try {
      const keys = new RedisKeys('test:down');
      const stores = createRedisStores(client, keys);
      const state = new RedisStateStorage(client, keys);
      const fixture = { stores, now: () => new Date() };
      const requests = await Promise.all(
        Array.from({ length: 40 }, (_, i) => created(fixture, `r${i}`, `t${i}`)),
      );
      const complete = (req: AssociationRequest) =>
        transition(stores, { ...req, state: 'completed', version: 1 }, 0, association(req));

      // Some completions are answered, some are in flight when the server dies, some are sent after.
      const outcomes = requests.slice(0, 20).map(complete);
      await outcomes[0];
      const started = Date.now();
      const crash = server.stop('SIGKILL');
      outcomes.push(...requests.slice(20).map(complete));
      const settled = await Promise.allSettled(outcomes);
      await crash;
      expect(Date.now() - started).toBeLessThan(1000);
      for (const s of settled) {
        if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(RedisUnavailableError);
      }
      expect(settled.some((s) => s.status === 'rejected')).toBe(true);

      const whileDown = Date.now();
      const errors = await Promise.all(
        [
          stores.requests.get(ACCOUNT, 'r0'),
          stores.associations.list(ACCOUNT),
          state.write({ k: { n: 1 } }),
          stores.audit.append(audit('request.created')),
        ].map((call) =>
          call.then(
            () => 'resolved',
            (err: unknown) => err,
          ),
        ),
      );
      for (const err of errors) {
        expect(err).toBeInstanceOf(RedisUnavailableError);
        expect(isRedisUnavailable(err)).toBe(true);
      }
      expect(Date.now() - whileDown).toBeLessThan(500);

      server = await startRedisServer(server.port, { durableIn: dir });
      await waitFor(() => client.status === 'ready', 10_000);

      const events = await stores.audit.recent(ACCOUNT, 1000);
      for (const [i, req] of requests.entries()) {
        const stored = await stores.requests.get(ACCOUNT, req.id);
        const linked = await stores.associations.get(ACCOUNT, req.signIn.tenantId);
        const logged = events.filter((e) => e.requestId === req.id && e.action === 'association.completed');
        const applied = stored?.version === 1;
        expect({ id: req.id, association: !!linked, audit: logged.length }).toEqual({
          id: req.id,
          association: applied,
          audit: applied ? 1 : 0,
        });
        if (!applied) expect(stored).toEqual(req);
        const outcome = settled[i];
        if (outcome.status === 'fulfilled') expect(applied).toBe(true);
        // A completion in flight when Redis died may have run: the error must not claim otherwise.
        else if (applied) expect(outcome.reason.maybeApplied).toBe(true);
      }

      const after = await created(fixture, 'after', 'tenant-after');
      expect(await complete(after)).toEqual({ ok: true });
    } finally {
      client.disconnect();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
