/** Partner Center's account roles. */
export type Role = 'Manager' | 'Developer' | 'Business Contributor' | 'Finance Contributor' | 'Marketer';

export const MANAGER: Role = 'Manager';

/** Partner Center's roles, in the order its Users page lists them. */
export const ROLES: readonly Role[] = [
  'Manager',
  'Developer',
  'Business Contributor',
  'Finance Contributor',
  'Marketer',
];

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

/** A tenant as the account knows it once associated: enough to name it on a card. */
export interface TenantSummary {
  tenantId: string;
  orgDisplayName: string;
  defaultDomain: string;
  verifiedDomains: string[];
}

interface RequestBase {
  id: string;
  accountId: string;
  conversationId: string;
  requestedBy: Person;
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

/** Associating the tenant the requester signed in to (R2, R3). */
export interface AssociationRequest extends RequestBase {
  kind?: 'associate';
  signIn: TenantSignIn;
}

/** Removing a tenant association (R12), reviewed and approved the way an association is. */
export interface RemovalRequest extends RequestBase {
  kind: 'remove';
  tenant: TenantSummary;
}

export type TenantRequest = AssociationRequest | RemovalRequest;

export type AuditAction =
  | 'request.created'
  | 'association.completed'
  | 'request.cancelled'
  | 'request.rejected'
  | 'request.expired'
  /** R10: the account's own tenant, associated from the start. */
  | 'tenant.associated'
  | 'tenant.removed'
  | 'member.added'
  | 'member.removed'
  | 'member.rolesChanged';

export interface AuditEvent {
  at: string;
  accountId: string;
  action: AuditAction;
  actor: Person;
  tenantId?: string;
  /** The organization, so the history reads well after the tenant is gone. */
  orgDisplayName?: string;
  requestId?: string;
  /** The account user an event is about (added, removed, roles changed). */
  subject?: Person;
  roles?: Role[];
  detail?: string;
}

/** What a notification is about: how a request ended, or a change to people's access. */
export type NotificationKind =
  | 'completed'
  | 'rejected'
  | 'withdrawn'
  | 'expired'
  /** R12: a tenant was removed and its users lost their roles. */
  | 'removed'
  /** A person's own roles changed, or were all taken away. */
  | 'rolesChanged';

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
  /** The request it ends, if a request (a role change is none). */
  requestId?: string;
  /** A removal request that ended without removing: rejected, withdrawn or expired. */
  removal?: boolean;
  tenantId: string;
  orgDisplayName: string;
  defaultDomain: string;
  requestedBy: Person;
  decidedBy?: Person;
  reason?: string;
  /** People told in their personal chat besides the requester and the Managers (the users a change touched). */
  concerned?: Pick<Person, 'tenantId' | 'objectId'>[];
  /** For a role change: the person's roles now (none when removed from the account). */
  roles?: Role[];
  /** Where it happened: the card there already shows the outcome to the people in it. */
  conversationId: string;
}
