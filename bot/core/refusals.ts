import type { Association, Role, TenantRequest, TenantSummary } from './model';

/** Why the product said no. The Teams edge turns each kind into words; the core only decides. */
export type Refusal =
  /** R1: the person lacks the role; `isMember` tells apart "not in the account" from "not a Manager". */
  /** `to`: what the role is needed for, when it is not associating or approving a tenant. */
  | { kind: 'roleRequired'; role: Role; isMember: boolean; to?: string }
  /** R9: signed in with a personal Microsoft account, which has no organization directory. */
  | { kind: 'personalAccount'; userPrincipalName: string }
  /** R8: the tenant is already associated; nothing new is written. */
  | { kind: 'alreadyAssociated'; association: Association }
  | { kind: 'requestNotFound' }
  /** A card action naming a request that belongs to another conversation. */
  | { kind: 'foreignRequest' }
  /** Only the person who asked may confirm, cancel or withdraw their own request. */
  | { kind: 'notRequester'; request: TenantRequest }
  /** Two-person approval: a Manager other than the requester must approve. */
  | { kind: 'ownRequest'; request: TenantRequest }
  /** The action belongs to another kind of request (e.g. Approve on a personal review). */
  | { kind: 'actionNotAvailable'; request: TenantRequest }
  | { kind: 'requestExpired'; request: TenantRequest }
  | { kind: 'requestFinished'; request: TenantRequest }
  /** A code arrived, but this person has no sign-in in progress here. */
  | { kind: 'noSignInInProgress' }
  /** The sign-in card was shown longer ago than a code is accepted. */
  | { kind: 'signInExpired' }
  /** The token service did not accept the code (mistyped, used, or too old). */
  | { kind: 'codeRejected' }
  /** R12: nobody removes the tenant of their own Teams identity (they would remove themselves). */
  | { kind: 'ownTenant'; tenant: TenantSummary }
  /** R12: the account's last tenant can only be removed by its owner, in Partner Center. */
  | { kind: 'lastTenant'; tenant: TenantSummary }
  /** The tenant is not (or no longer) associated with the account. */
  | { kind: 'notAssociated'; tenantId: string }
  /** R6: managing a tenant's users takes a Manager who is a user of that same tenant. */
  | { kind: 'notTenantManager'; tenant: TenantSummary }
  /** R13: the account always keeps at least one Manager. */
  | { kind: 'lastManager'; member: { displayName: string } }
  | { kind: 'notMember'; member: { displayName: string } }
  /** Adding users takes at least one role, Partner Center's. */
  | { kind: 'noRoles' }
  /** Too many sign-ins started, or directory searches, by one person in a short time. */
  | { kind: 'tooManyAttempts'; attempt: 'signIn' | 'directorySearch'; retryAfterSeconds: number };
