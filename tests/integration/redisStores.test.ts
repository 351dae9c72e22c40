import { NEW_ITEM_ETAG } from '../../bot/core/ports';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Storage } from 'botbuilder';
import type { ClusterNode, Redis } from 'ioredis';
import type {
  Association,
  AssociationRequest,
  AuditEvent,
  ConversationRef,
  NotificationEvent,
  Person,
} from '../../bot/core/model';
import type { TransitionResult } from '../../bot/core/ports';
import { createMemoryStores } from '../../bot/infra/memory/memoryStores';
import { MemoryStateStorage } from '../../bot/infra/memory/memoryStateStorage';
import {
  connectRedis,
  connectRedisCluster,
  isRedisUnavailable,
  RedisUnavailableError,
  type RedisClient,
} from '../../bot/infra/redis/connection';
import { createRedisStores } from '../../bot/infra/redis/redisStores';
import { RedisStateStorage } from '../../bot/infra/redis/redisStateStorage';
import type { StateStorage } from '../../bot/infra/stateStorage';
import type { Stores } from '../../bot/infra/stores';
import { freePort } from '../support/freePort';

/** Fresh, isolated stores; `other` is a second set on another connection where the backend has one. */
interface Fixture {
  stores: Stores;
  other: Stores;
  now(): Date;
  elapse(ms: number): Promise<void>;
  stateStorage(ttlMs: number): StateStorage;
}

interface Backend {
  name: string;
  /** A Cluster checks a multi-key state write item by item: its keys live in different slots. */
  atomicBatches: boolean;
  fixture(): Fixture;
}

const memoryBackend: Backend = {
  name: 'memory',
  atomicBatches: true,
  fixture() {
    let time = Date.parse('2026-01-01T00:00:00Z');
    const clock = { now: () => new Date(time) };
    const stores = createMemoryStores({ clock });
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

/** Two connections so that concurrency really crosses clients; each fixture gets its own key prefix. */
function redisBackend(
  name: string,
  atomicBatches: boolean,
  connect: () => Promise<{ clients: RedisClient[]; close(): Promise<void> }>,
): Backend & { open(): Promise<void>; close(): Promise<void> } {
  let clients: RedisClient[] = [];
  let close = async () => {};
  return {
    name,
    atomicBatches,
    async open() {
      ({ clients, close } = await connect());
    },
    close: () => close(),
    fixture() {
      const prefix = `${RUN_PREFIX}:${randomUUID()}`;
      return {
        stores: createRedisStores(clients[0], { prefix }),
        other: createRedisStores(clients[1], { prefix }),
        now: () => new Date(),
        elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        stateStorage: (ttlMs) => new RedisStateStorage(clients[0], { prefix, ttlMs }),
      };
    },
  };
}

/** The shared test Redis is never flushed: each run deletes only the keys it made. */
const RUN_PREFIX = `test:stores:${randomUUID()}`;

const redis = redisBackend('redis', true, async () => {
  const url = process.env.REDIS_URL as string;
  const clients = [await connectRedis(url), await connectRedis(url)];
  return {
    clients,
    close: async () => {
      await deleteKeys(clients[0], RUN_PREFIX);
      await Promise.all(clients.map((c) => c.quit()));
    },
  };
});

/** A private 3-master cluster, thrown away at the end. */
const cluster = redisBackend('redis cluster', false, async () => {
  const servers = await startCluster(3);
  const clients = [await connectRedisCluster(servers.nodes), await connectRedisCluster(servers.nodes)];
  return {
    clients,
    close: async () => {
      await Promise.all(clients.map((c) => c.quit()));
      await servers.stop();
    },
  };
});

beforeAll(() => Promise.all([redis.open(), cluster.open()]), 60_000);
afterAll(() => Promise.all([redis.close(), cluster.close()]));

// Compile-time proof that botbuilder accepts the storages as its own Storage.
const asBotbuilderStorage = (storage: StateStorage): Storage => storage;

describe.each([memoryBackend, redis, cluster])('stores contract: $name', (backend) => {
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

  describe('members', () => {
    test('ensureManagers is idempotent and keeps other roles', async () => {
      const alice = person('alice');
      const bob = person('bob');
      await f.stores.members.put({
        ...bob,
        accountId: ACCOUNT,
        upn: 'bob@contoso.com',
        roles: ['Developer'],
      });
      await f.stores.members.ensureManagers(ACCOUNT, [alice, bob]);
      await f.other.members.ensureManagers(ACCOUNT, [alice, bob]);
      expect(await f.stores.members.get(ACCOUNT, alice)).toEqual({
        ...alice,
        accountId: ACCOUNT,
        roles: ['Manager'],
      });
      expect(await f.stores.members.get(ACCOUNT, bob)).toEqual({
        ...bob,
        accountId: ACCOUNT,
        upn: 'bob@contoso.com',
        roles: ['Developer', 'Manager'],
      });
      expect(await f.stores.members.get('another-account', alice)).toBeUndefined();
    });

    test("listManagers lists the account's Managers and no one else, by name", async () => {
      const [zoe, adam, dev, foreign] = ['zoe', 'adam', 'dev', 'foreign'].map(person);
      await f.stores.members.put({ ...dev, accountId: ACCOUNT, roles: ['Developer'] });
      await f.stores.members.put({ ...adam, accountId: ACCOUNT, roles: ['Marketer', 'Manager'] });
      await f.stores.members.ensureManagers(ACCOUNT, [zoe]);
      await f.stores.members.ensureManagers('another-account', [foreign]);

      const managers = await f.other.members.listManagers(ACCOUNT);

      expect(managers.map((m) => m.displayName)).toEqual(['adam', 'zoe']);
      expect(managers[0]).toEqual({ ...adam, accountId: ACCOUNT, roles: ['Marketer', 'Manager'] });
      expect(await f.stores.members.listManagers('empty-account')).toEqual([]);
    });
  });

  describe('notification outbox', () => {
    test('a transition that notifies puts its event in the outbox in the same step', async () => {
      const req = await created(f, 'r1', 'tenant-a');
      const next = { ...req, state: 'completed' as const, version: 1 };
      const event = notification(next, 'completed');
      expect(await transition(f.stores, next, 0, association(req), event)).toEqual({ ok: true });
      expect(await f.other.outbox.pending(ACCOUNT, 10)).toEqual([{ id: expect.any(String), event }]);
      expect(await f.stores.outbox.pending('another-account', 10)).toEqual([]);
    });

    test('nothing reaches the outbox when the transition does not apply', async () => {
      const first = await created(f, 'r1', 'tenant-a');
      await transition(f.stores, { ...first, state: 'completed', version: 1 }, 0, association(first));
      const second = await created(f, 'r2', 'tenant-a');
      const done = { ...second, state: 'completed' as const, version: 1 };

      const conflict = await transition(
        f.stores,
        done,
        5,
        association(second),
        notification(done, 'completed'),
      );
      const already = await transition(
        f.stores,
        done,
        0,
        association(second),
        notification(done, 'completed'),
      );

      expect([conflict.ok, already.ok || already.reason]).toEqual([false, 'alreadyAssociated']);
      expect(await f.stores.outbox.pending(ACCOUNT, 10)).toEqual([]);
    });

    test('entries stay, oldest first, until removed', async () => {
      const events: NotificationEvent[] = [];
      for (const [i, kind] of (['rejected', 'expired', 'withdrawn'] as const).entries()) {
        const req = await created(f, `r${i}`, `tenant-${i}`);
        const next = { ...req, state: 'rejected' as const, version: 1 };
        events.push(notification(next, kind));
        await transition(f.stores, next, 0, undefined, events[i]);
      }
      const pending = await f.stores.outbox.pending(ACCOUNT, 10);
      expect(pending.map((e) => e.event)).toEqual(events);
      expect(await f.stores.outbox.pending(ACCOUNT, 2)).toEqual(pending.slice(0, 2));

      await f.other.outbox.remove(ACCOUNT, [pending[0].id, pending[2].id]);

      expect(await f.stores.outbox.pending(ACCOUNT, 10)).toEqual([pending[1]]);
    });

    test('a notification for another account or request is refused before anything is written', async () => {
      const req = await created(f, 'r1', 'tenant-a');
      const next = { ...req, state: 'rejected' as const, version: 1 };
      const attempts = [
        { ...notification(next, 'rejected'), accountId: 'another-account' },
        { ...notification(next, 'rejected'), requestId: 'another-request' },
      ];
      for (const notify of attempts) {
        await expect(transition(f.stores, next, 0, undefined, notify)).rejects.toThrow(/account|request/);
      }
      expect(await f.stores.requests.get(ACCOUNT, 'r1')).toEqual(req);
      expect(await f.stores.outbox.pending(ACCOUNT, 10)).toEqual([]);
    });
  });

  describe('conversations', () => {
    test('a saved reference is found by id and, for a personal chat, by its user', async () => {
      const chat = personalChat('a:1xyz', person('alice'));
      const channel = teamChannel('19:general@thread.tacv2');
      await f.stores.conversations.save(ACCOUNT, chat);
      await f.stores.conversations.save(ACCOUNT, channel);

      expect(await f.other.conversations.get(ACCOUNT, 'a:1xyz')).toEqual(chat);
      expect(await f.other.conversations.personalOf(ACCOUNT, person('alice'))).toEqual(chat);
      expect(await f.other.conversations.personalOf(ACCOUNT, person('bob'))).toBeUndefined();
      expect(await f.other.conversations.get('another-account', 'a:1xyz')).toBeUndefined();
      expect(await f.other.conversations.personalOf('another-account', person('alice'))).toBeUndefined();
    });

    test('only subscribed conversations that can still be written to are listed', async () => {
      const channels = ['19:a@thread.tacv2', '19:b@thread.tacv2', '19:c@thread.v2'].map(teamChannel);
      for (const c of channels) await f.stores.conversations.save(ACCOUNT, c);
      for (const c of channels) await f.stores.conversations.subscribe(ACCOUNT, c.conversationId);
      await f.stores.conversations.subscribe(ACCOUNT, channels[0].conversationId);
      await f.stores.conversations.subscribe(ACCOUNT, '19:never-saved@thread.v2');
      await f.stores.conversations.unsubscribe(ACCOUNT, channels[1].conversationId);

      const listed = await f.other.conversations.subscriptions(ACCOUNT);

      expect(sortById(listed)).toEqual([channels[0], channels[2]]);
      expect(await f.other.conversations.subscriptions('another-account')).toEqual([]);
    });

    test('remove forgets the reference, its personal-chat entry and its subscription', async () => {
      const chat = personalChat('a:1xyz', person('alice'));
      await f.stores.conversations.save(ACCOUNT, chat);
      await f.stores.conversations.subscribe(ACCOUNT, chat.conversationId);

      await f.other.conversations.remove(ACCOUNT, chat.conversationId);
      await f.other.conversations.remove(ACCOUNT, 'never-saved');

      expect(await f.stores.conversations.get(ACCOUNT, chat.conversationId)).toBeUndefined();
      expect(await f.stores.conversations.personalOf(ACCOUNT, person('alice'))).toBeUndefined();
      expect(await f.stores.conversations.subscriptions(ACCOUNT)).toEqual([]);
      await f.stores.conversations.save(ACCOUNT, chat);
      expect(await f.stores.conversations.subscriptions(ACCOUNT)).toEqual([]);
    });

    test("a user's newer personal chat replaces the older one; removing the older leaves the newer", async () => {
      const alice = { tenantId: 'tenant/ü{x}', objectId: 'oid 1%', displayName: 'alice' };
      const older = personalChat('a:older', alice);
      const newer = personalChat('a:newer', alice);
      await f.stores.conversations.save(ACCOUNT, older);
      await f.stores.conversations.save(ACCOUNT, newer);
      await f.stores.conversations.remove(ACCOUNT, older.conversationId);
      expect(await f.other.conversations.personalOf(ACCOUNT, alice)).toEqual(newer);

      const reassigned = personalChat('a:newer', person('bob'));
      await f.stores.conversations.save(ACCOUNT, reassigned);
      expect(await f.other.conversations.personalOf(ACCOUNT, alice)).toBeUndefined();
      expect(await f.other.conversations.personalOf(ACCOUNT, person('bob'))).toEqual(reassigned);
    });
  });

  describe('requests', () => {
    test('create then get; a second create with the same id is refused', async () => {
      const req = request('r1', 'tenant-a');
      await f.stores.requests.create(req, later(f, 60_000), audit('request.created', req));
      expect(await f.stores.requests.get(ACCOUNT, 'r1')).toEqual(req);
      expect(await f.stores.requests.get(ACCOUNT, 'nope')).toBeUndefined();
      await expect(
        f.stores.requests.create(req, later(f, 60_000), audit('request.created', req)),
      ).rejects.toThrow(/already exists/);
      expect((await f.stores.audit.recent(ACCOUNT, 10)).map((e) => e.action)).toEqual(['request.created']);
    });

    test('transition is a compare-and-set on version', async () => {
      const req = await created(f, 'r1', 'tenant-a');
      const next = { ...req, state: 'awaitingApproval' as const, version: 1 };
      expect(await transition(f.stores, next, 0)).toEqual({ ok: true });
      expect(await f.stores.requests.get(ACCOUNT, 'r1')).toEqual(next);
      expect(await transition(f.stores, { ...req, state: 'cancelled', version: 1 }, 0)).toEqual({
        ok: false,
        reason: 'conflict',
        current: next,
      });
      expect(await transition(f.stores, { ...request('ghost', 'tenant-a'), version: 1 }, 0)).toEqual({
        ok: false,
        reason: 'conflict',
      });
    });

    test('two concurrent transitions from the same version: exactly one applies', async () => {
      const req = await created(f, 'r1', 'tenant-a');
      const results = await Promise.all([
        transition(f.stores, { ...req, state: 'cancelled', version: 1 }, 0),
        transition(f.other, { ...req, state: 'completed', version: 1 }, 0, association(req)),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok && r.reason === 'conflict')).toHaveLength(1);
    });

    test('50 concurrent completions over two connections associate the tenant exactly once', async () => {
      const requests = await Promise.all(
        Array.from({ length: 10 }, (_, i) => created(f, `r${i}`, 'tenant-a')),
      );
      const attempts = requests.flatMap((req) =>
        Array.from({ length: 5 }, (_, j) =>
          transition(
            j % 2 ? f.other : f.stores,
            { ...req, state: 'completed', version: 1 },
            0,
            association(req),
          ),
        ),
      );
      const results = await Promise.all(attempts);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const reasons = new Set(results.flatMap((r) => (r.ok ? [] : [r.reason])));
      expect(reasons).toEqual(new Set(['conflict', 'alreadyAssociated']));
      const associations = await f.stores.associations.list(ACCOUNT);
      expect(associations).toHaveLength(1);
      const events = await f.stores.audit.recent(ACCOUNT, 100);
      expect(events.filter((e) => e.action === 'association.completed')).toHaveLength(1);
      const winner = await f.stores.requests.get(ACCOUNT, associations[0].requestId);
      expect(winner?.state).toBe('completed');
    });

    test('alreadyAssociated returns the existing association and writes nothing', async () => {
      const first = await created(f, 'r1', 'tenant-a');
      await transition(f.stores, { ...first, state: 'completed', version: 1 }, 0, association(first));
      const second = await created(f, 'r2', 'tenant-a');
      const auditBefore = await f.stores.audit.recent(ACCOUNT, 100);

      const result = await transition(
        f.stores,
        { ...second, state: 'completed', version: 1 },
        0,
        association(second),
      );

      expect(result).toEqual({ ok: false, reason: 'alreadyAssociated', existing: association(first) });
      expect(await f.stores.requests.get(ACCOUNT, 'r2')).toEqual(second);
      expect(await f.stores.associations.list(ACCOUNT)).toEqual([association(first)]);
      expect(await f.stores.audit.recent(ACCOUNT, 100)).toEqual(auditBefore);
    });

    test('a request is forgotten after retainUntil, and each transition sets a new one', async () => {
      const keep = request('keep', 'tenant-a');
      const lapse = request('lapse', 'tenant-b');
      await f.stores.requests.create(keep, later(f, 300), audit('request.created', keep));
      await f.stores.requests.create(lapse, later(f, 300), audit('request.created', lapse));
      const next = { ...keep, state: 'awaitingApproval' as const, version: 1 };
      await f.stores.requests.transition(
        { next, expectedVersion: 0, audit: audit('request.created', next) },
        later(f, 60_000),
      );
      await f.elapse(500);
      expect(await f.stores.requests.get(ACCOUNT, 'keep')).toEqual(next);
      expect(await f.stores.requests.get(ACCOUNT, 'lapse')).toBeUndefined();
      expect(await transition(f.stores, { ...lapse, version: 1 }, 0)).toEqual({
        ok: false,
        reason: 'conflict',
      });
    });

    test('a change for another account is refused before anything is written', async () => {
      const req = await created(f, 'r1', 'tenant-a');
      const foreign = { ...audit('association.completed', req), accountId: 'another-account' };
      await expect(
        f.stores.requests.transition(
          { next: { ...req, version: 1 }, expectedVersion: 0, association: association(req), audit: foreign },
          later(f, 60_000),
        ),
      ).rejects.toThrow(/account/);
      expect(await f.stores.requests.get(ACCOUNT, 'r1')).toEqual(req);
      expect(await f.stores.associations.list(ACCOUNT)).toEqual([]);
    });
  });

  test('associations are listed oldest first', async () => {
    const times = ['2026-03-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'];
    for (const [i, at] of times.entries()) {
      const req = await created(f, `r${i}`, `tenant-${i}`);
      await transition(f.stores, { ...req, version: 1 }, 0, { ...association(req), associatedAt: at });
    }
    const listed = await f.stores.associations.list(ACCOUNT);
    expect(listed.map((a) => a.tenantId)).toEqual(['tenant-1', 'tenant-2', 'tenant-0']);
    expect(await f.stores.associations.get(ACCOUNT, 'tenant-2')).toEqual(listed[1]);
    expect(await f.stores.associations.get(ACCOUNT, 'tenant-x')).toBeUndefined();
  });

  test('audit recent is newest first and limited to count', async () => {
    for (const detail of ['one', 'two', 'three']) {
      await f.stores.audit.append({ ...audit('member.bootstrapped'), detail });
    }
    const recent = await f.stores.audit.recent(ACCOUNT, 2);
    expect(recent.map((e) => e.detail)).toEqual(['three', 'two']);
    expect(await f.stores.audit.recent('another-account', 2)).toEqual([]);
  });
});

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
    const port = await freePort();
    let server = await startDurableRedis(port, dir);
    const client = await connectRedis(`redis://127.0.0.1:${port}`, { maxReconnectDelayMs: 200 });
    try {
      const stores = createRedisStores(client, { prefix: 'test:down' });
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
      const crash = stopRedis(server, 'SIGKILL');
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
          stores.state.write({ k: { n: 1 } }),
          stores.audit.append(audit('member.bootstrapped')),
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

      server = await startDurableRedis(port, dir);
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
      await stopRedis(server, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const ACCOUNT = 'account-1';

function person(name: string): Person {
  return { tenantId: 'home-tenant', objectId: `oid-${name}`, displayName: name };
}

function request(id: string, tenantId: string): AssociationRequest {
  return {
    id,
    accountId: ACCOUNT,
    conversationId: 'conv-1',
    requestedBy: person('alice'),
    signIn: {
      tenantId,
      orgDisplayName: `Org ${tenantId}`,
      verifiedDomains: [{ name: `${tenantId}.onmicrosoft.com`, isDefault: true, isInitial: true }],
      user: {
        objectId: 'oid-admin',
        displayName: 'Admin',
        userPrincipalName: 'admin@x',
        isGlobalAdmin: true,
      },
    },
    state: 'awaitingConfirm',
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T00:15:00.000Z',
    version: 0,
  };
}

function notification(req: AssociationRequest, kind: NotificationEvent['kind']): NotificationEvent {
  return {
    id: `${req.id}:${req.version}`,
    accountId: req.accountId,
    kind,
    at: '2026-01-01T00:02:00.000Z',
    requestId: req.id,
    tenantId: req.signIn.tenantId,
    orgDisplayName: req.signIn.orgDisplayName,
    defaultDomain: req.signIn.verifiedDomains[0].name,
    requestedBy: req.requestedBy,
    ...(kind === 'completed' || kind === 'rejected' ? { decidedBy: person('bob') } : {}),
    conversationId: req.conversationId,
  };
}

function personalChat(conversationId: string, user: Person): ConversationRef {
  return {
    conversationId,
    kind: 'personal',
    tenantId: user.tenantId,
    user: { tenantId: user.tenantId, objectId: user.objectId },
    reference: {
      conversation: { id: conversationId, conversationType: 'personal' },
      serviceUrl: 'https://smba/',
    },
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

function teamChannel(conversationId: string): ConversationRef {
  return {
    conversationId,
    kind: 'channel',
    tenantId: 'home-tenant',
    name: `Channel ${conversationId}`,
    reference: {
      conversation: { id: conversationId, conversationType: 'channel' },
      serviceUrl: 'https://smba/',
    },
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

function sortById(refs: ConversationRef[]): ConversationRef[] {
  return [...refs].sort((a, b) => a.conversationId.localeCompare(b.conversationId));
}

function association(req: AssociationRequest): Association {
  return {
    accountId: req.accountId,
    tenantId: req.signIn.tenantId,
    orgDisplayName: req.signIn.orgDisplayName,
    defaultDomain: req.signIn.verifiedDomains[0].name,
    verifiedDomains: req.signIn.verifiedDomains.map((d) => d.name),
    associatedBy: req.requestedBy,
    associatedAt: '2026-01-01T00:01:00.000Z',
    requestId: req.id,
  };
}

function audit(action: AuditEvent['action'], req?: AssociationRequest): AuditEvent {
  return {
    at: '2026-01-01T00:00:00.000Z',
    accountId: ACCOUNT,
    action,
    actor: person('alice'),
    ...(req && { tenantId: req.signIn.tenantId, requestId: req.id }),
  };
}

function later(f: Pick<Fixture, 'now'>, ms: number): Date {
  return new Date(f.now().getTime() + ms);
}

async function created(
  f: { stores: Stores; now(): Date },
  id: string,
  tenantId: string,
): Promise<AssociationRequest> {
  const req = request(id, tenantId);
  await f.stores.requests.create(req, later(f, 60_000), audit('request.created', req));
  return req;
}

function transition(
  stores: Stores,
  next: AssociationRequest,
  expectedVersion: number,
  association?: Association,
  notify?: NotificationEvent,
): Promise<TransitionResult> {
  const action = association ? 'association.completed' : 'request.cancelled';
  return stores.requests.transition(
    { next, expectedVersion, association, audit: audit(action, next), ...(notify ? { notify } : {}) },
    new Date(Date.now() + 60_000),
  );
}

async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [nextCursor, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length) await Promise.all(keys.map((k) => client.del(k)));
    cursor = nextCursor;
  } while (cursor !== '0');
}

/** A redis-server that fsyncs every write before replying, so a crash keeps exactly what was acknowledged. */
async function startDurableRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
    ],
    { stdio: 'ignore' },
  );
  await waitFor(() => isListening(port), 10_000);
  return child;
}

function stopRedis(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function startCluster(size: number): Promise<{ nodes: ClusterNode[]; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'pcta-cluster-'));
  const ports = await distinctFreePorts(size * 2);
  const servers = Array.from({ length: size }, (_, i) => {
    const [port, busPort] = [ports[2 * i], ports[2 * i + 1]];
    return spawn(
      'redis-server',
      [
        ...['--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1'],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--dir', dir],
        ...['--save', '', '--appendonly', 'no'],
      ],
      { stdio: 'ignore' },
    );
  });
  const nodes = servers.map((_, i) => ({ host: '127.0.0.1', port: ports[2 * i] }));
  const stop = async () => {
    await Promise.all(servers.map((s) => stopRedis(s, 'SIGTERM')));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const { port } of nodes) await waitFor(() => isListening(port), 10_000);
    const addresses = nodes.map((n) => `${n.host}:${n.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    for (const { port } of nodes) {
      await waitFor(
        async () =>
          (await run('redis-cli', ['-p', String(port), 'cluster', 'info'])).includes('cluster_state:ok'),
        10_000,
      );
    }
    return { nodes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function run(command: string, args: string[]): Promise<string> {
  return (await promisify(execFile)(command, args)).stdout;
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}
