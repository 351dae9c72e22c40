import type { NotificationEvent } from '../../core/model';
import type { Clock } from '../../core/ports';
import type { Stores } from '../stores';
import { MemoryAssociationStore } from './memoryAssociationStore';
import { MemoryAuditLog } from './memoryAuditLog';
import { MemoryMemberStore } from './memoryMemberStore';
import { MemoryRequestStore } from './memoryRequestStore';

export interface MemoryStoresOptions {
  /** Where a request transition puts its notification event, in the same step. */
  outbox: { append(event: NotificationEvent): void };
  /** Decides what has expired; default the system clock. */
  clock?: Clock;
  auditMaxLength?: number;
}

/** Local mode without Redis: everything is lost when the process exits, and processes share nothing. */
export function createMemoryStores(opts: MemoryStoresOptions): Stores {
  const audit = new MemoryAuditLog(opts.auditMaxLength);
  const associations = new MemoryAssociationStore(audit);
  const members = new MemoryMemberStore({ audit, outbox: opts.outbox });
  return {
    members,
    associations,
    requests: new MemoryRequestStore({
      associations,
      members,
      audit,
      outbox: opts.outbox,
      clock: opts.clock,
    }),
    audit,
  };
}
