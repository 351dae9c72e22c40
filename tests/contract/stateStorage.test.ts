import type { Storage } from 'botbuilder';
import { ETagConflictError, NEW_ITEM_ETAG, type StateStorage } from '../../bot/state/stateStorage';
import { contractBackends, type Fixture } from './backends';

// Compile-time proof that botbuilder accepts the storages as its own Storage.
const asBotbuilderStorage = (storage: StateStorage): Storage => storage;

const backends = contractBackends();

describe.each(backends)('state storage contract: $name', (backend) => {
  let f: Fixture;
  beforeEach(() => {
    f = backend.fixture();
  });

  describe('state storage', () => {
    test('reads back what was written, with an eTag, and omits missing keys', async () => {
      const storage = asBotbuilderStorage(f.stores.state);
      await storage.write({ a: { n: 1, nested: { list: [1, 2] } }, b: { n: 2 } });
      const items = await storage.read(['a', 'b', 'missing']);
      expect(Object.keys(items).sort()).toEqual(['a', 'b']);
      expect(items.a).toMatchObject({ n: 1, nested: { list: [1, 2] } });
      expect(typeof items.a.eTag).toBe('string');
      expect(items.a.eTag).not.toBe(items.b.eTag);
      expect(await storage.read([])).toEqual({});
    });

    test('two writers from the same read: exactly one wins, the other gets an eTag conflict', async () => {
      await f.stores.state.write({ k: { n: 0 } });
      const { k } = await f.stores.state.read(['k']);
      const results = await Promise.allSettled([
        f.stores.state.write({ k: { ...k, n: 1 } }),
        f.other.state.write({ k: { ...k, n: 2 } }),
      ]);
      const won = results.findIndex((r) => r.status === 'fulfilled');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      // Recognised by its type; the message is botbuilder's own MemoryStorage wording.
      expect(lost.reason).toBeInstanceOf(ETagConflictError);
      expect(String(lost.reason.message)).toMatch(/eTag conflict/);
      expect((await f.stores.state.read(['k'])).k.n).toBe(won + 1);
    });

    test("'*' and no eTag mean last writer wins; each write gets a new eTag", async () => {
      await f.stores.state.write({ k: { n: 0 } });
      const first = (await f.stores.state.read(['k'])).k.eTag;
      await f.stores.state.write({ k: { n: 1, eTag: '*' } });
      const second = (await f.stores.state.read(['k'])).k.eTag;
      await f.stores.state.write({ k: { n: 2 } });
      const { k } = await f.stores.state.read(['k']);
      expect(k.n).toBe(2);
      expect(new Set([first, second, k.eTag]).size).toBe(3);
    });

    test('NEW_ITEM_ETAG writes only an item that does not exist yet: of two first writers, one wins', async () => {
      const results = await Promise.allSettled([
        f.stores.state.write({ fresh: { n: 1, eTag: NEW_ITEM_ETAG } }),
        f.stores.state.write({ fresh: { n: 2, eTag: NEW_ITEM_ETAG } }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(String((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).toMatch(
        /eTag conflict/,
      );
    });

    test(
      backend.atomicBatches
        ? 'a batch with one stale eTag writes nothing'
        : 'a batch with one stale eTag is refused for that item (keys of a Cluster batch live in different slots)',
      async () => {
        await f.stores.state.write({ a: { n: 0 }, b: { n: 0 } });
        const read = await f.stores.state.read(['a', 'b']);
        await f.stores.state.write({ b: { n: 1 } });
        await expect(
          f.stores.state.write({ a: { ...read.a, n: 9 }, b: { ...read.b, n: 9 } }),
        ).rejects.toThrow(/"b" due to eTag conflict/);
        const after = await f.stores.state.read(['a', 'b']);
        expect(after.b.n).toBe(1);
        if (backend.atomicBatches) {
          expect(after.a.n).toBe(0);
          expect(after.a.eTag).toBe(read.a.eTag);
        }
      },
    );

    test('delete removes; a stale writer cannot bring a deleted item back', async () => {
      await f.stores.state.write({ k: { n: 0 } });
      const { k } = await f.stores.state.read(['k']);
      await f.stores.state.delete(['k', 'never-written']);
      expect(await f.stores.state.read(['k'])).toEqual({});
      await expect(f.stores.state.write({ k: { ...k, n: 1 } })).rejects.toThrow(/eTag conflict/);
      await f.stores.state.write({ k: { n: 2 } });
      expect((await f.stores.state.read(['k'])).k.n).toBe(2);
    });

    test('items expire after the TTL since their last write', async () => {
      const storage = f.stateStorage(400);
      await storage.write({ idle: { n: 1 }, busy: { n: 1 } });
      await f.elapse(250);
      await storage.write({ busy: { n: 2 } });
      await f.elapse(250);
      const items = await storage.read(['idle', 'busy']);
      expect(Object.keys(items)).toEqual(['busy']);
    });
  });

  describe('once gate', () => {
    test('a key is claimed once until released or lapsed, by any connection', async () => {
      expect(await f.stores.gate.claim('signin:conv:user:123456', 60_000)).toBe(true);
      expect(await f.other.gate.claim('signin:conv:user:123456', 60_000)).toBe(false);
      expect(await f.other.gate.claim('signin:conv:user:654321', 60_000)).toBe(true);
      await f.other.gate.release('signin:conv:user:123456');
      expect(await f.stores.gate.claim('signin:conv:user:123456', 300)).toBe(true);
      await f.elapse(400);
      expect(await f.other.gate.claim('signin:conv:user:123456', 60_000)).toBe(true);
    });
  });
});
