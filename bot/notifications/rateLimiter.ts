import { randomUUID } from 'node:crypto';
import type { LogKey, WindowLog } from './ports';

/** A time at which one send into a conversation is allowed, held in both its logs until used or released. */
export interface Slot {
  at: number;
  member: string;
  conversationId: string;
  tenantId: string;
}

const MAX_ROUNDS = 20;

/**
 * Hands out send slots that respect both the conversation's and the tenant's limits. The two logs live in
 * different Redis Cluster slots, so no single script can hold both: the conversation is looked at, the tenant
 * held at or after that time, then the conversation held at exactly the tenant's time; if another worker took
 * the conversation's time meanwhile, the tenant's hold is given back and the next round starts later.
 * A slot's time is on the clock of the tenant log's node (a Cluster's nodes may disagree by a few ms), and so
 * is every `now` handed out with it.
 */
export class RateLimiter {
  constructor(private readonly log: WindowLog) {}

  async reserve(conversationId: string, tenantId: string): Promise<{ slot: Slot; now: number }> {
    const conversation: LogKey = { scope: 'conversation', id: conversationId };
    const tenant: LogKey = { scope: 'tenant', id: tenantId };
    const member = randomUUID();
    let from = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const free = await this.log.findSlot(conversation, from);
      const tenantHold = await this.log.findSlot(tenant, free.at, { member, exact: false });
      const held = await this.log.findSlot(conversation, tenantHold.at, { member, exact: true });
      if (held.held) {
        return { slot: { at: tenantHold.at, member, conversationId, tenantId }, now: tenantHold.now };
      }
      await this.log.release(tenant, member);
      from = held.at;
    }
    throw new Error(`no send slot for conversation ${conversationId} after ${MAX_ROUNDS} rounds`);
  }

  async release(slot: Slot): Promise<void> {
    await Promise.all([
      this.log.release({ scope: 'conversation', id: slot.conversationId }, slot.member),
      this.log.release({ scope: 'tenant', id: slot.tenantId }, slot.member),
    ]);
  }

  /** The clock `slot.at` is on. */
  now(slot: Pick<Slot, 'tenantId'>): Promise<number> {
    return this.log.now({ scope: 'tenant', id: slot.tenantId });
  }
}
