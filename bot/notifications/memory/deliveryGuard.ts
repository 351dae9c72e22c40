import type { Claim, DeliveryGuard } from '../ports';

/** Local mode: one process, so a claim is only a map entry; marks are forgotten after `keepMs`. */
export class MemoryDeliveryGuard implements DeliveryGuard {
  private readonly deliveredUntil = new Map<string, number>();
  private readonly claims = new Map<string, { token: string; until: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  async claim(deliveryId: string, token: string, ttlMs: number): Promise<Claim> {
    const now = this.clock();
    this.forgetExpired(now);
    if (this.deliveredUntil.has(deliveryId)) return { kind: 'delivered' };
    const holder = this.claims.get(deliveryId);
    if (holder && holder.token !== token) return { kind: 'busy', retryInMs: holder.until - now };
    this.claims.set(deliveryId, { token, until: now + ttlMs });
    return { kind: 'claimed' };
  }

  async delivered(deliveryId: string, token: string, keepMs: number): Promise<void> {
    this.deliveredUntil.set(deliveryId, this.clock() + keepMs);
    await this.release(deliveryId, token);
  }

  async release(deliveryId: string, token: string): Promise<void> {
    if (this.claims.get(deliveryId)?.token === token) this.claims.delete(deliveryId);
  }

  private forgetExpired(now: number): void {
    for (const [id, until] of this.deliveredUntil) if (until <= now) this.deliveredUntil.delete(id);
    for (const [id, claim] of this.claims) if (claim.until <= now) this.claims.delete(id);
  }
}
