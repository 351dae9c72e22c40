import type { AssociationRequest, AuditEvent } from '../core/model';
import type { RequestTransition } from '../core/ports';

/**
 * Everything one request change writes lives under one account (one Redis hash slot); a record for
 * another account or tenant here is a bug upstream, caught before anything is written.
 */
export function checkCreate(request: AssociationRequest, retainUntil: Date, audit: AuditEvent): number {
  sameAccount(request.accountId, audit.accountId, 'audit event');
  return retainUntilMs(retainUntil);
}

export function checkTransition(change: RequestTransition, retainUntil: Date): number {
  const { next, association, audit, notify } = change;
  if (!Number.isSafeInteger(change.expectedVersion)) {
    throw new RangeError(`expectedVersion must be an integer, got ${change.expectedVersion}`);
  }
  sameAccount(next.accountId, audit.accountId, 'audit event');
  if (notify) {
    sameAccount(next.accountId, notify.accountId, 'notification');
    if (notify.requestId !== next.id)
      throw new Error(`notification ${notify.id} does not belong to request ${next.id}`);
  }
  if (association) {
    sameAccount(next.accountId, association.accountId, 'association');
    if (association.tenantId !== next.signIn.tenantId || association.requestId !== next.id) {
      throw new Error(`association for tenant ${association.tenantId} does not belong to request ${next.id}`);
    }
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
