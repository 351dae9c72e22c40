import type { RedisClient } from '../../redis/connection';
import type { RedisKeys } from '../../redis/keys';
import { LuaScript } from '../../redis/luaScript';
import type { Claim, DeliveryGuard } from '../ports';

/** KEYS: delivered mark, claim. ARGV: token, ttl (ms). Returns {'delivered'}, {'claimed'} or {'busy', pttl}. */
const CLAIM = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return {'delivered'} end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return {'busy', redis.call('PTTL', KEYS[2])} end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return {'claimed'}
`);

/** KEYS: delivered mark, claim. ARGV: token, keep (ms) or '' to only release. */
const SETTLE = new LuaScript(`
if ARGV[2] ~= '' then redis.call('SET', KEYS[1], '1', 'PX', ARGV[2]) end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 0
`);

export class RedisDeliveryGuard implements DeliveryGuard {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async claim(deliveryId: string, token: string, ttlMs: number): Promise<Claim> {
    const [kind, pttl] = (await CLAIM.run(this.client, this.keysOf(deliveryId), [token, ttlMs])) as [
      string,
      number?,
    ];
    if (kind === 'delivered') return { kind: 'delivered' };
    if (kind === 'claimed') return { kind: 'claimed' };
    return { kind: 'busy', retryInMs: Math.max(1, pttl ?? ttlMs) };
  }

  async delivered(deliveryId: string, token: string, keepMs: number): Promise<void> {
    await SETTLE.run(this.client, this.keysOf(deliveryId), [token, keepMs]);
  }

  async release(deliveryId: string, token: string): Promise<void> {
    await SETTLE.run(this.client, this.keysOf(deliveryId), [token, '']);
  }

  private keysOf(deliveryId: string): string[] {
    return [this.keys.delivered(deliveryId), this.keys.sending(deliveryId)];
  }
}
