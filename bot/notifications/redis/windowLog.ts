import type { RedisClient } from '../../redis/connection';
import type { RedisKeys } from '../../redis/keys';
import { LuaScript } from '../../redis/luaScript';
import type { Fit, LogKey, WindowLog } from '../ports';
import type { RateLimits } from '../rateLimits';

/**
 * rateLimits.earliestFit() in Lua, on a sorted set of send times, against Redis' clock so that workers on machines whose
 * clocks differ still share one timeline.
 * KEYS[1]: the log. ARGV: from, member ('' = only look), exact ('1' or '0'), then limit, window pairs.
 * Returns {at, now, held (1 or 0)}.
 */
const FIT = new LuaScript(`
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local from = tonumber(ARGV[1])
local exact = ARGV[3] == '1'
local t = from
if not exact and now > t then t = now end
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if newest[2] and tonumber(newest[2]) > t then t = tonumber(newest[2]) end
local longest = 0
local moved = true
while moved do
  moved = false
  for i = 4, #ARGV, 2 do
    local limit, window = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
    if window > longest then longest = window end
    local lower = string.format('(%d', t - window)
    local inWindow = redis.call('ZCOUNT', KEYS[1], lower, '+inf')
    if inWindow >= limit then
      local oldest = redis.call('ZRANGEBYSCORE', KEYS[1], lower, '+inf', 'WITHSCORES', 'LIMIT', inWindow - limit, 1)
      local leaves = tonumber(oldest[2]) + window
      if leaves > t then
        t = leaves
        moved = true
      end
    end
  end
end
local held = ARGV[2] ~= '' and (not exact or t == from)
if held then
  redis.call('ZADD', KEYS[1], t, ARGV[2])
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('(%d', now - longest))
  redis.call('PEXPIRE', KEYS[1], math.max(1, t - now + longest))
end
return {t, now, held and 1 or 0}
`);

/** The clock of the node holding KEYS[1], in ms. */
const NOW = new LuaScript(`
local clock = redis.call('TIME')
return tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
`);

export class RedisWindowLog implements WindowLog {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
    private readonly rules: RateLimits,
  ) {}

  async findSlot(key: LogKey, from: number, hold?: { member: string; exact: boolean }): Promise<Fit> {
    const rules = this.rules[key.scope].flatMap((r) => [r.limit, r.windowMs]);
    const [at, now, held] = (await FIT.run(
      this.client,
      [this.redisKey(key)],
      [Math.floor(from), hold?.member ?? '', hold?.exact ? '1' : '0', ...rules],
    )) as [number, number, number];
    return { at, now, held: held === 1 };
  }

  async release(key: LogKey, member: string): Promise<void> {
    await this.client.zrem(this.redisKey(key), member);
  }

  async now(key: LogKey): Promise<number> {
    return (await NOW.run(this.client, [this.redisKey(key)], [])) as number;
  }

  private redisKey(key: LogKey): string {
    return key.scope === 'conversation' ? this.keys.conversationRate(key.id) : this.keys.tenantRate(key.id);
  }
}
