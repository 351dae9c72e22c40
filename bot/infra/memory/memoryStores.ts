import type { Clock } from '../../core/ports';
import type { Stores } from '../stores';
import { MemoryAssociationStore } from './memoryAssociationStore';
import { MemoryAuditLog } from './memoryAuditLog';
import { MemoryConversationStore } from './memoryConversationStore';
import { MemoryMemberStore } from './memoryMemberStore';
import { MemoryOutbox } from './memoryOutbox';
import { MemoryRequestStore } from './memoryRequestStore';
import { MemoryStateStorage } from './memoryStateStorage';

export interface MemoryStoresOptions {
  /** Decides what has expired; default the system clock. */
  clock?: Clock;
  auditMaxLength?: number;
  stateTtlMs?: number;
}

/** Local mode without Redis: everything is lost when the process exits, and processes share nothing. */
export function createMemoryStores(opts: MemoryStoresOptions = {}): Stores {
  const { clock, auditMaxLength, stateTtlMs } = opts;
  const associations = new MemoryAssociationStore();
  const audit = new MemoryAuditLog(auditMaxLength);
  const outbox = new MemoryOutbox();
  return {
    members: new MemoryMemberStore(),
    associations,
    requests: new MemoryRequestStore({ associations, audit, outbox, clock }),
    audit,
    state: new MemoryStateStorage({ ttlMs: stateTtlMs, clock }),
    conversations: new MemoryConversationStore(),
    outbox,
  };
}
