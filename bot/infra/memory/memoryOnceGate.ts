import type { Clock, OnceGate } from '../../core/ports';

/** One process's write-once claims, for local mode without Redis. */
export class MemoryOnceGate implements OnceGate {
  private readonly claims = new Map<string, number>();

  constructor(private readonly clock: Clock = { now: () => new Date() }) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now().getTime();
    for (const [k, until] of this.claims) if (until <= now) this.claims.delete(k);
    if (this.claims.has(key)) return false;
    this.claims.set(key, now + ttlMs);
    return true;
  }

  async release(key: string): Promise<void> {
    this.claims.delete(key);
  }
}
