import {
  OPEN_STATES,
  type AuditEvent,
  type NotificationEvent,
  type Person,
  type TenantRequest,
} from '../../core/model';
import { tenantOf } from '../../core/rules';
import type { Clock, RequestStore, RequestTransition, TransitionResult } from '../../core/ports';
import { checkCreate, checkTransition } from '../requestChanges';
import type { MemoryAssociationStore } from './memoryAssociationStore';
import type { MemoryAuditLog } from './memoryAuditLog';
import type { MemoryMemberStore } from './memoryMemberStore';
import { systemClock } from '../systemClock';

export interface MemoryRequestStoreDeps {
  associations: MemoryAssociationStore;
  members: MemoryMemberStore;
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

  async create(request: TenantRequest, retainUntil: Date, audit: AuditEvent): Promise<void> {
    const retainUntilMs = checkCreate(request, retainUntil, audit);
    const key = requestKey(request.accountId, request.id);
    if (this.live(key)) throw new Error(`request ${request.id} already exists`);
    this.forgetExpiredNowAndThen();
    this.requests.set(key, { json: JSON.stringify(request), retainUntil: retainUntilMs });
    this.openOf(request.accountId).add(key);
    this.deps.audit.record(audit);
  }

  async get(accountId: string, requestId: string): Promise<TenantRequest | undefined> {
    const entry = this.live(requestKey(accountId, requestId));
    return entry && (JSON.parse(entry.json) as TenantRequest);
  }

  async listOpen(accountId: string): Promise<TenantRequest[]> {
    const open = this.openOf(accountId);
    const requests: TenantRequest[] = [];
    for (const key of open) {
      const entry = this.live(key);
      if (entry) requests.push(JSON.parse(entry.json) as TenantRequest);
      else open.delete(key);
    }
    return requests;
  }

  async transition(change: RequestTransition, retainUntil: Date): Promise<TransitionResult> {
    const retainUntilMs = checkTransition(change, retainUntil);
    const { next, association, audit, expectedVersion, notify, firstManager, removal } = change;
    const { associations, members } = this.deps;
    const key = requestKey(next.accountId, next.id);
    const entry = this.live(key);
    if (!entry) return { ok: false, reason: 'conflict' };
    const current = JSON.parse(entry.json) as TenantRequest;
    if (current.version !== expectedVersion) return { ok: false, reason: 'conflict', current };
    if (association) {
      const existing = associations.find(association.accountId, association.tenantId);
      if (existing) return { ok: false, reason: 'alreadyAssociated', existing };
    }
    if (removal) {
      if (!associations.find(next.accountId, removal.tenantId)) return { ok: false, reason: 'notAssociated' };
      if (associations.count(next.accountId) <= 1) return { ok: false, reason: 'lastTenant' };
    }

    // No await from here on: the change is one step, as the Redis script is.
    this.deps.audit.record(audit);
    let event = notify;
    if (association) {
      associations.add(association);
      if (firstManager && members.addIfAbsent(firstManager.member))
        this.deps.audit.record(firstManager.audit);
    }
    if (removal) {
      associations.remove(next.accountId, removal.tenantId);
      const concerned = members
        .removeTenant(next.accountId, removal.tenantId)
        .map(({ tenantId, objectId }) => ({ tenantId, objectId }));
      this.cancelOpenOf(next, removal.tenantId, removal.actor, audit.at);
      if (event && concerned.length > 0) event = { ...event, concerned };
    }
    if (event) this.deps.outbox.append(event);
    this.requests.set(key, { json: JSON.stringify(next), retainUntil: retainUntilMs });
    if (!OPEN_STATES.includes(next.state)) this.openOf(next.accountId).delete(key);
    return { ok: true };
  }

  /** R12: the removed tenant's other open requests end, by the remover. */
  private cancelOpenOf(removal: TenantRequest, tenantId: string, actor: Person, at: string): void {
    const open = this.openOf(removal.accountId);
    for (const key of open) {
      const entry = this.live(key);
      if (!entry) continue;
      const other = JSON.parse(entry.json) as TenantRequest;
      if (other.id === removal.id || tenantOf(other).tenantId !== tenantId) continue;
      const cancelled = {
        ...other,
        state: 'cancelled' as const,
        version: other.version + 1,
        decidedBy: actor,
        decidedAt: at,
        reason: 'tenantRemoved',
      };
      this.requests.set(key, { json: JSON.stringify(cancelled), retainUntil: entry.retainUntil });
      open.delete(key);
      this.deps.audit.record({
        at,
        accountId: other.accountId,
        action: 'request.cancelled',
        actor,
        tenantId,
        requestId: other.id,
        detail: 'tenantRemoved',
      });
    }
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
