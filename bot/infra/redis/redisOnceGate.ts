import type { OnceGate } from '../../core/ports';
import type { RedisClient } from './connection';

/** Write-once claims across every bot process: SET NX with a TTL, one round trip. */
export class RedisOnceGate implements OnceGate {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix = 'pcta',
  ) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const result = await this.client.set(`${this.prefix}:once:{${key}}`, '1', 'PX', ttlMs, 'NX');
    return result === 'OK';
  }
}
