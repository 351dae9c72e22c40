import type { OnceGate } from '../../core/ports';
import type { RedisClient } from './connection';
import { RedisKeys } from './keys';
import { rethrowUnavailable } from './unavailable';

/** Write-once claims across every bot process: SET NX with a TTL, one round trip. */
export class RedisOnceGate implements OnceGate {
  constructor(
    private readonly client: RedisClient,
    private readonly keys = new RedisKeys(),
  ) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const result = await rethrowUnavailable(() =>
      this.client.set(this.keys.once(key), '1', 'PX', ttlMs, 'NX'),
    );
    return result === 'OK';
  }
}
