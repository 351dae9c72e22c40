/** Partner Center's account roles. */
export type Role = 'Manager' | 'Developer' | 'Business Contributor' | 'Finance Contributor' | 'Marketer';

export const MANAGER: Role = 'Manager';

/** The personal Microsoft account (consumer) tenant: it is never an organization's directory (R9). */
export const CONSUMER_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';

export interface Account {
  id: string;
  displayName: string;
}

/** A person as Teams identifies them: taken from the authenticated activity, never from card data. */
export interface Person {
  tenantId: string;
  objectId: string;
  displayName: string;
}

export interface Member extends Person {
  accountId: string;
  upn?: string;
  roles: Role[];
}

export interface VerifiedDomain {
  name: string;
  isDefault: boolean;
  isInitial: boolean;
}

/** What the tenant's own directory says about itself and the person who signed in to it. */
export interface TenantSignIn {
  tenantId: string;
  orgDisplayName: string;
  verifiedDomains: VerifiedDomain[];
  user: {
    objectId: string;
    displayName: string;
    userPrincipalName: string;
    isGlobalAdmin: boolean;
  };
}

export interface Association {
  accountId: string;
  tenantId: string;
  orgDisplayName: string;
  defaultDomain: string;
  verifiedDomains: string[];
  associatedBy: Person;
  approvedBy?: Person;
  associatedAt: string;
  requestId: string;
}

export type RequestState =
  'awaitingConfirm' | 'awaitingApproval' | 'completed' | 'rejected' | 'cancelled' | 'expired';

export const OPEN_STATES: readonly RequestState[] = ['awaitingConfirm', 'awaitingApproval'];

export interface AssociationRequest {
  id: string;
  accountId: string;
  conversationId: string;
  requestedBy: Person;
  signIn: TenantSignIn;
  /** Made in a group chat or channel, where a Manager approves (else reviewed and confirmed in a personal chat). */
  approval?: boolean;
  state: RequestState;
  createdAt: string;
  expiresAt: string;
  /** Incremented by every transition; a transition applies only to the version it was computed from. */
  version: number;
  cardActivityId?: string;
  decidedBy?: Person;
  decidedAt?: string;
  reason?: string;
}

export type AuditAction =
  'request.created' | 'association.completed' | 'request.cancelled' | 'request.rejected' | 'request.expired';

export interface AuditEvent {
  at: string;
  accountId: string;
  action: AuditAction;
  actor: Person;
  tenantId?: string;
  requestId?: string;
  detail?: string;
}

/** What a notification is about: how a request ended. */
export type NotificationKind = 'completed' | 'rejected' | 'withdrawn' | 'expired';

/**
 * An event people are told about, written in the same atomic step as the transition that caused it
 * (an outbox), so a crash between the two loses nothing.
 */
export interface NotificationEvent {
  /** Unique per event (`<requestId>:<version>`): with a recipient's conversation id, the delivery's idempotency key. */
  id: string;
  accountId: string;
  kind: NotificationKind;
  at: string;
  requestId: string;
  tenantId: string;
  orgDisplayName: string;
  defaultDomain: string;
  requestedBy: Person;
  decidedBy?: Person;
  reason?: string;
  /** Where the request was made: the card there already shows the outcome to the people in it. */
  conversationId: string;
}
