import type { OnceGate } from '../../core/ports';
import type { RedisClient } from '../../redis/connection';
import type { RedisKeys } from '../../redis/keys';
import { rethrowUnavailable } from '../../redis/unavailable';

/** Write-once claims across every bot process: SET NX with a TTL, one round trip. */
export class RedisOnceGate implements OnceGate {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const result = await rethrowUnavailable(() =>
      this.client.set(this.keys.once(key), '1', 'PX', ttlMs, 'NX'),
    );
    return result === 'OK';
  }

  async release(key: string): Promise<void> {
    await rethrowUnavailable(() => this.client.del(this.keys.once(key)));
  }
}
