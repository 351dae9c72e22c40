import { randomUUID } from 'node:crypto';
import type { Member, Person, Role } from '../../bot/core/model';
import { withManagerRole } from '../../bot/infra/memberRoles';
import { RedisMemberStore } from '../../bot/infra/redis/redisMemberStore';
import type { ConversationRef } from '../../bot/notifications/model';
import { earliestFit, type RateRule } from '../../bot/notifications/rateLimits';
import { RedisConversationStore } from '../../bot/notifications/redis/conversationStore';
import { RedisWindowLog } from '../../bot/notifications/redis/windowLog';
import { connectRedis, type RedisClient } from '../../bot/redis/connection';
import { memberField, RedisKeys } from '../../bot/redis/keys';
import { deleteKeys } from '../support/redisServer';

/**
 * Rules written twice, once in TypeScript (memory backend, the callers) and once in Lua (Redis, atomically):
 * the same inputs, drawn from a seeded generator, must give the same answers.
 */
const SEED = 20261201;
const CASES = 200;

let client: RedisClient;
const keys = new RedisKeys(`test:parity:${randomUUID()}`);
beforeAll(async () => {
  client = await connectRedis(process.env.REDIS_URL as string);
});
afterAll(async () => {
  await deleteKeys(client, `${keys.prefix}*`);
  await client.quit();
});

describe('Lua and TypeScript agree', () => {
  test('the rate limiter: the earliest time one more send fits every window', async () => {
    const random = generator(SEED);
    for (let i = 0; i < CASES; i++) {
      const rules: RateRule[] = Array.from({ length: 1 + int(random, 3) }, () => ({
        limit: 1 + int(random, 8),
        windowMs: 50 + int(random, 3_000),
      }));
      // Far enough ahead that Redis' own clock never enters the computation.
      const from = Date.now() + 3_600_000 + int(random, 10_000);
      const sends = Array.from({ length: int(random, 25) }, () => from - 2_000 + int(random, 6_000)).sort(
        (a, b) => a - b,
      );
      const id = `conv-${i}`;
      const log = new RedisWindowLog(client, keys, { conversation: rules, tenant: [] });
      if (sends.length > 0) {
        await client.zadd(keys.conversationRate(id), ...sends.flatMap((at, n) => [at, `send-${n}`]));
      }

      const { at } = await log.findSlot({ scope: 'conversation', id }, from);

      expect({ case: i, rules, sends, from, at }).toEqual({
        case: i,
        rules,
        sends,
        from,
        at: earliestFit(sends, from, rules),
      });
    }
  });

  test('bootstrapping Managers: a new Manager, a role added once, other roles kept', async () => {
    const random = generator(SEED + 1);
    const store = new RedisMemberStore(client, keys);
    const roles: Role[] = ['Developer', 'Business Contributor', 'Finance Contributor', 'Marketer', 'Manager'];
    for (let i = 0; i < CASES; i++) {
      const accountId = `account-${i}`;
      const person: Person = {
        tenantId: oddId(random),
        objectId: oddId(random),
        displayName: oddName(random),
      };
      const existing: Member | undefined =
        random() < 0.3
          ? undefined
          : { ...person, accountId, upn: 'someone@contoso.com', roles: roles.filter(() => random() < 0.4) };
      // An empty list has no JSON array form in Lua's cjson: a member always has a role.
      if (existing && existing.roles.length === 0) existing.roles.push('Developer');
      if (existing) await store.put(existing);

      await store.ensureManagers(accountId, [person]);

      const expected = withManagerRole(existing, accountId, person) ?? existing;
      expect({ case: i, stored: await store.get(accountId, person) }).toEqual({ case: i, stored: expected });
    }
  });

  test("a personal chat's index field: re-saving the chat for someone else leaves nothing of the first", async () => {
    const random = generator(SEED + 2);
    const store = new RedisConversationStore(client, keys);
    for (let i = 0; i < CASES; i++) {
      const accountId = `account-${i}`;
      const first = { tenantId: oddId(random), objectId: oddId(random) };
      const second = { tenantId: oddId(random), objectId: oddId(random) };
      const chat = `a:chat-${i}`;
      await store.save(accountId, personalChat(chat, first));
      await store.save(accountId, personalChat(chat, second));

      // The Lua script found the first user's field by encoding their ids itself, as memberField does.
      const fields = await client.hkeys(keys.personalChats(accountId));
      expect({ case: i, fields }).toEqual({
        case: i,
        fields: [memberField(second.tenantId, second.objectId)],
      });
      expect(await store.personalOf(accountId, first)).toBeUndefined();
    }
  });
});

function personalChat(conversationId: string, user: Pick<Person, 'tenantId' | 'objectId'>): ConversationRef {
  return {
    conversationId,
    kind: 'personal',
    tenantId: user.tenantId,
    user,
    reference: { conversation: { id: conversationId } },
    updatedAt: '2026-12-01T00:00:00.000Z',
  };
}

/** mulberry32: small, fast and the same on every machine, so a failing case can be replayed. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function int(random: () => number, below: number): number {
  return Math.floor(random() * below);
}

/** Ids as they come (GUIDs), and as they might: every character encodeURIComponent treats specially. */
function oddId(random: () => number): string {
  if (random() < 0.5) return randomUUID();
  const alphabet = "abcXYZ019-_.!~*'()/%{}:@ +é漢😀";
  const chars = Array.from(alphabet);
  return Array.from({ length: 1 + int(random, 12) }, () => chars[int(random, chars.length)]).join('');
}

function oddName(random: () => number): string {
  return random() < 0.5 ? 'Nestor Wilke' : `Ünïcødé "quoted" \\ ${oddId(random)}`;
}
