import type { AttemptLimiter } from '../../core/ports';
import type { RedisClient } from '../../redis/connection';
import type { RedisKeys } from '../../redis/keys';
import { LuaScript } from '../../redis/luaScript';
import { rethrowUnavailable } from '../../redis/unavailable';

/**
 * Counts an attempt in its window unless the window is full; the first attempt opens the window.
 * KEYS[1]: the counter. ARGV: limit, window (ms). Returns {1, 0} when allowed, {0, ms left} when not.
 */
const ATTEMPT = new LuaScript(`
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= tonumber(ARGV[1]) then
  return {0, redis.call('PTTL', KEYS[1])}
end
if count == 0 then
  redis.call('SET', KEYS[1], 1, 'PX', ARGV[2])
else
  redis.call('INCR', KEYS[1])
end
return {1, 0}
`);

/** Attempt counts shared by every bot process: one script, one round trip. */
export class RedisAttemptLimiter implements AttemptLimiter {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  attempt(key: string, limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterMs: number }> {
    return rethrowUnavailable(async () => {
      const [allowed, retryAfterMs] = (await ATTEMPT.run(
        this.client,
        [this.keys.attempts(key)],
        [limit, windowMs],
      )) as [number, number];
      return { allowed: allowed === 1, retryAfterMs: Math.max(0, retryAfterMs) };
    });
  }
}
