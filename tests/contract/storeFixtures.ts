import type {
  Association,
  AssociationRequest,
  AuditEvent,
  NotificationEvent,
  Person,
} from '../../bot/core/model';
import type { TransitionResult } from '../../bot/core/ports';
import type { Stores } from '../../bot/infra/stores';
import type { ConversationRef } from '../../bot/notifications/model';

/** Records the store contracts write and read: one account, a few tenants, people by name. */
export const ACCOUNT = 'account-1';

export function person(name: string): Person {
  return { tenantId: 'home-tenant', objectId: `oid-${name}`, displayName: name };
}

export function request(id: string, tenantId: string): AssociationRequest {
  return {
    id,
    accountId: ACCOUNT,
    conversationId: 'conv-1',
    requestedBy: person('alice'),
    signIn: {
      tenantId,
      orgDisplayName: `Org ${tenantId}`,
      verifiedDomains: [{ name: `${tenantId}.onmicrosoft.com`, isDefault: true, isInitial: true }],
      user: {
        objectId: 'oid-admin',
        displayName: 'Admin',
        userPrincipalName: 'admin@x',
        isGlobalAdmin: true,
      },
    },
    state: 'awaitingConfirm',
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T00:15:00.000Z',
    version: 0,
  };
}

export function notification(req: AssociationRequest, kind: NotificationEvent['kind']): NotificationEvent {
  return {
    id: `${req.id}:${req.version}`,
    accountId: req.accountId,
    kind,
    at: '2026-01-01T00:02:00.000Z',
    requestId: req.id,
    tenantId: req.signIn.tenantId,
    orgDisplayName: req.signIn.orgDisplayName,
    defaultDomain: req.signIn.verifiedDomains[0].name,
    requestedBy: req.requestedBy,
    ...(kind === 'completed' || kind === 'rejected' ? { decidedBy: person('bob') } : {}),
    conversationId: req.conversationId,
  };
}

export function personalChat(conversationId: string, user: Person): ConversationRef {
  return {
    conversationId,
    kind: 'personal',
    tenantId: user.tenantId,
    user: { tenantId: user.tenantId, objectId: user.objectId },
    reference: {
      conversation: { id: conversationId, conversationType: 'personal' },
      serviceUrl: 'https://smba/',
    },
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

export function teamChannel(conversationId: string): ConversationRef {
  return {
    conversationId,
    kind: 'channel',
    tenantId: 'home-tenant',
    name: `Channel ${conversationId}`,
    reference: {
      conversation: { id: conversationId, conversationType: 'channel' },
      serviceUrl: 'https://smba/',
    },
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

export function sortById(refs: ConversationRef[]): ConversationRef[] {
  return [...refs].sort((a, b) => a.conversationId.localeCompare(b.conversationId));
}

export function association(req: AssociationRequest): Association {
  return {
    accountId: req.accountId,
    tenantId: req.signIn.tenantId,
    orgDisplayName: req.signIn.orgDisplayName,
    defaultDomain: req.signIn.verifiedDomains[0].name,
    verifiedDomains: req.signIn.verifiedDomains.map((d) => d.name),
    associatedBy: req.requestedBy,
    associatedAt: '2026-01-01T00:01:00.000Z',
    requestId: req.id,
  };
}

export function audit(action: AuditEvent['action'], req?: AssociationRequest): AuditEvent {
  return {
    at: '2026-01-01T00:00:00.000Z',
    accountId: ACCOUNT,
    action,
    actor: person('alice'),
    ...(req && { tenantId: req.signIn.tenantId, requestId: req.id }),
  };
}

export function later(f: { now(): Date }, ms: number): Date {
  return new Date(f.now().getTime() + ms);
}

export async function created(
  f: { stores: Stores; now(): Date },
  id: string,
  tenantId: string,
): Promise<AssociationRequest> {
  const req = request(id, tenantId);
  await f.stores.requests.create(req, later(f, 60_000), audit('request.created', req));
  return req;
}

export function transition(
  stores: Stores,
  next: AssociationRequest,
  expectedVersion: number,
  association?: Association,
  notify?: NotificationEvent,
): Promise<TransitionResult> {
  const action = association ? 'association.completed' : 'request.cancelled';
  return stores.requests.transition(
    { next, expectedVersion, association, audit: audit(action, next), ...(notify ? { notify } : {}) },
    new Date(Date.now() + 60_000),
  );
}
