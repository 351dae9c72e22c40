import type { AttemptLimiter, Clock } from '../../core/ports';

/** One process's attempt counts, for local mode without Redis. */
export class MemoryAttemptLimiter implements AttemptLimiter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  constructor(private readonly clock: Clock = { now: () => new Date() }) {}

  async attempt(
    key: string,
    limit: number,
    windowMs: number,
  ): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const now = this.clock.now().getTime();
    for (const [k, w] of this.windows) if (w.endsAt <= now) this.windows.delete(k);
    const window = this.windows.get(key) ?? { count: 0, endsAt: now + windowMs };
    if (window.count >= limit) return { allowed: false, retryAfterMs: window.endsAt - now };
    window.count += 1;
    this.windows.set(key, window);
    return { allowed: true, retryAfterMs: 0 };
  }
}
