import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DEFAULT_DELIVERY_POLICY, enforcedLimits } from '../../bot/notifications/deliveryPolicy';
import { MemoryWindowLog } from '../../bot/notifications/memory/windowLog';
import { RateLimiter, type Slot } from '../../bot/notifications/rateLimiter';
import { RedisWindowLog } from '../../bot/notifications/redis/windowLog';
import { connectRedis } from '../../bot/redis/connection';
import { RedisKeys } from '../../bot/redis/keys';
import { mostInAnyWindow } from '../support/slidingWindows';

const limits = enforcedLimits(DEFAULT_DELIVERY_POLICY);
const prefix = `test-limiter-${randomUUID()}`;
let clients: Redis[] = [];

beforeAll(async () => {
  clients = [
    await connectRedis(process.env.REDIS_URL as string),
    await connectRedis(process.env.REDIS_URL as string),
  ];
});
afterAll(async () => {
  const keys = await clients[0].keys(`${prefix}:*`);
  if (keys.length) await clients[0].del(...keys);
  await Promise.all(clients.map((c) => c.quit()));
});

const backends: { name: string; limiters(): RateLimiter[] }[] = [
  {
    name: 'memory',
    limiters: () => {
      const limiter = new RateLimiter(new MemoryWindowLog(limits));
      return [limiter, limiter];
    },
  },
  {
    name: 'redis, two workers on two connections',
    limiters: () => clients.map((c) => new RateLimiter(new RedisWindowLog(c, new RedisKeys(prefix), limits))),
  },
];

const relative = (slots: Slot[]) => {
  const times = slots.map((s) => s.at).sort((a, b) => a - b);
  return times.map((t) => t - times[0]);
};

describe.each(backends)('rate limiter: $name', ({ limiters }) => {
  test('concurrent reservations in one conversation keep to its limits', async () => {
    const [a, b] = limiters();
    const conversation = `19:${randomUUID()}@thread.v2`;
    const tenant = randomUUID();
    const slots = await Promise.all(
      Array.from({ length: 24 }, (_, i) => (i % 2 ? a : b).reserve(conversation, tenant)),
    );
    const times = slots.map((s) => s.slot.at);
    expect(mostInAnyWindow(times, 1_000)).toBeLessThanOrEqual(7);
    expect(mostInAnyWindow(times, 2_000)).toBeLessThanOrEqual(8);
    expect(new Set(slots.map((s) => s.slot.member)).size).toBe(24);
  });

  test('concurrent reservations across a tenant keep to 50 a second, and a released slot is given again', async () => {
    const [a, b] = limiters();
    const tenant = randomUUID();
    const reserve = (i: number) => (i % 2 ? a : b).reserve(`19:${randomUUID()}@thread.v2`, tenant);
    const slots = (await Promise.all(Array.from({ length: 120 }, (_, i) => reserve(i)))).map((r) => r.slot);
    expect(mostInAnyWindow(relative(slots), 1_000)).toBeLessThanOrEqual(50);

    const last = slots.reduce((x, y) => (y.at > x.at ? y : x));
    await a.release(last);
    const again = (await reserve(0)).slot;
    expect(again.at).toBe(last.at);
  });
});

test('Redis hands out the same schedule as the in-memory limiter (the Lua mirrors earliestFit)', async () => {
  const conversation = `19:${randomUUID()}@thread.v2`;
  const tenant = randomUUID();
  const schedule = async (limiter: RateLimiter) => {
    const slots: Slot[] = [];
    for (let i = 0; i < 20; i++) slots.push((await limiter.reserve(conversation, tenant)).slot);
    return relative(slots);
  };
  const memory = await schedule(backends[0].limiters()[0]);
  const redis = await schedule(backends[1].limiters()[0]);
  expect(redis).toEqual(memory);
});
