import {
  OPEN_STATES,
  type AssociationRequest,
  type AuditEvent,
  type NotificationEvent,
} from '../../core/model';
import type { Clock, RequestStore, RequestTransition, TransitionResult } from '../../core/ports';
import { checkCreate, checkTransition } from '../requestChanges';
import type { MemoryAssociationStore } from './memoryAssociationStore';
import type { MemoryAuditLog } from './memoryAuditLog';
import { systemClock } from '../systemClock';

export interface MemoryRequestStoreDeps {
  associations: MemoryAssociationStore;
  audit: MemoryAuditLog;
  outbox: { append(event: NotificationEvent): void };
  clock?: Clock;
}

interface Entry {
  json: string;
  retainUntil: number;
}

/**
 * The same contract as RedisRequestStore for local mode. Each change runs without an await between its
 * check and its writes, which makes it as atomic as the Redis script.
 */
export class MemoryRequestStore implements RequestStore {
  private readonly requests = new Map<string, Entry>();
  /** Per account, the keys of its open requests. */
  private readonly open = new Map<string, Set<string>>();
  private readonly clock: Clock;
  private sweepAtSize = 64;

  constructor(private readonly deps: MemoryRequestStoreDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  async create(request: AssociationRequest, retainUntil: Date, audit: AuditEvent): Promise<void> {
    const retainUntilMs = checkCreate(request, retainUntil, audit);
    const key = requestKey(request.accountId, request.id);
    if (this.live(key)) throw new Error(`request ${request.id} already exists`);
    this.forgetExpiredNowAndThen();
    this.requests.set(key, { json: JSON.stringify(request), retainUntil: retainUntilMs });
    this.openOf(request.accountId).add(key);
    this.deps.audit.record(audit);
  }

  async get(accountId: string, requestId: string): Promise<AssociationRequest | undefined> {
    const entry = this.live(requestKey(accountId, requestId));
    return entry && (JSON.parse(entry.json) as AssociationRequest);
  }

  async listOpen(accountId: string): Promise<AssociationRequest[]> {
    const open = this.openOf(accountId);
    const requests: AssociationRequest[] = [];
    for (const key of open) {
      const entry = this.live(key);
      if (entry) requests.push(JSON.parse(entry.json) as AssociationRequest);
      else open.delete(key);
    }
    return requests;
  }

  async transition(change: RequestTransition, retainUntil: Date): Promise<TransitionResult> {
    const retainUntilMs = checkTransition(change, retainUntil);
    const { next, association, audit, expectedVersion, notify } = change;
    const key = requestKey(next.accountId, next.id);
    const entry = this.live(key);
    if (!entry) return { ok: false, reason: 'conflict' };
    const current = JSON.parse(entry.json) as AssociationRequest;
    if (current.version !== expectedVersion) return { ok: false, reason: 'conflict', current };
    if (association) {
      const existing = this.deps.associations.find(association.accountId, association.tenantId);
      if (existing) return { ok: false, reason: 'alreadyAssociated', existing };
      this.deps.associations.add(association);
    }
    this.deps.audit.record(audit);
    if (notify) this.deps.outbox.append(notify);
    this.requests.set(key, { json: JSON.stringify(next), retainUntil: retainUntilMs });
    if (!OPEN_STATES.includes(next.state)) this.openOf(next.accountId).delete(key);
    return { ok: true };
  }

  private openOf(accountId: string): Set<string> {
    let open = this.open.get(accountId);
    if (!open) this.open.set(accountId, (open = new Set()));
    return open;
  }

  private live(key: string): Entry | undefined {
    const entry = this.requests.get(key);
    if (entry && entry.retainUntil > this.clock.now().getTime()) return entry;
    if (entry) this.requests.delete(key);
    return undefined;
  }

  /** Requests nobody reads again would stay for ever: sweep whenever the map has doubled since the last sweep. */
  private forgetExpiredNowAndThen(): void {
    if (this.requests.size < this.sweepAtSize) return;
    const now = this.clock.now().getTime();
    for (const [key, entry] of this.requests) if (entry.retainUntil <= now) this.requests.delete(key);
    this.sweepAtSize = Math.max(64, this.requests.size * 2);
  }
}

function requestKey(accountId: string, requestId: string): string {
  return JSON.stringify([accountId, requestId]);
}
