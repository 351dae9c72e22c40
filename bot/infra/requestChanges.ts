import type { AuditEvent, TenantRequest } from '../core/model';
import { tenantOf } from '../core/rules';
import type { RequestTransition } from '../core/ports';

/**
 * Everything one request change writes lives under one account (one Redis hash slot); a record for
 * another account or tenant here is a bug upstream, caught before anything is written.
 */
export function checkCreate(request: TenantRequest, retainUntil: Date, audit: AuditEvent): number {
  sameAccount(request.accountId, audit.accountId, 'audit event');
  return retainUntilMs(retainUntil);
}

export function checkTransition(change: RequestTransition, retainUntil: Date): number {
  const { next, association, audit, notify, firstManager, removal } = change;
  const { tenantId } = tenantOf(next);
  if (!Number.isSafeInteger(change.expectedVersion)) {
    throw new RangeError(`expectedVersion must be an integer, got ${change.expectedVersion}`);
  }
  sameAccount(next.accountId, audit.accountId, 'audit event');
  if (notify) {
    sameAccount(next.accountId, notify.accountId, 'notification');
    if (notify.requestId !== undefined && notify.requestId !== next.id)
      throw new Error(`notification ${notify.id} does not belong to request ${next.id}`);
  }
  if (association) {
    sameAccount(next.accountId, association.accountId, 'association');
    if (association.tenantId !== tenantId || association.requestId !== next.id) {
      throw new Error(`association for tenant ${association.tenantId} does not belong to request ${next.id}`);
    }
  }
  if (firstManager) {
    if (!association) throw new Error('a first Manager comes only with an association');
    sameAccount(next.accountId, firstManager.member.accountId, 'member');
    sameAccount(next.accountId, firstManager.audit.accountId, 'member audit event');
    if (firstManager.member.tenantId !== tenantId) throw new Error('the first Manager is of another tenant');
  }
  if (removal && (association || removal.tenantId !== tenantId)) {
    throw new Error(`a removal of ${removal.tenantId} does not belong to request ${next.id}`);
  }
  return retainUntilMs(retainUntil);
}

function sameAccount(accountId: string, other: string, what: string): void {
  if (accountId !== other)
    throw new Error(`${what} for account ${other} written with a request of ${accountId}`);
}

function retainUntilMs(retainUntil: Date): number {
  const ms = retainUntil.getTime();
  if (!Number.isSafeInteger(ms) || ms <= 0)
    throw new RangeError(`invalid retainUntil: ${String(retainUntil)}`);
  return ms;
}
