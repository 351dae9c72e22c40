import type {
  Association,
  AssociationRequest,
  AuditEvent,
  Member,
  NotificationEvent,
  Person,
  TenantSignIn,
} from './model';

export interface MemberStore {
  get(accountId: string, person: Pick<Person, 'tenantId' | 'objectId'>): Promise<Member | undefined>;
  put(member: Member): Promise<void>;
  /** Gives each of these people the Manager role, keeping any roles they already have. Idempotent. */
  ensureManagers(accountId: string, people: Person[]): Promise<void>;
  listManagers(accountId: string): Promise<Member[]>;
}

export interface AssociationStore {
  get(accountId: string, tenantId: string): Promise<Association | undefined>;
  list(accountId: string): Promise<Association[]>;
}

export type TransitionResult =
  | { ok: true }
  | { ok: false; reason: 'conflict'; current?: AssociationRequest }
  | { ok: false; reason: 'alreadyAssociated'; existing: Association };

export interface RequestTransition {
  next: AssociationRequest;
  expectedVersion: number;
  /** Recorded in the same atomic step, unless the tenant is already associated (then nothing is written). */
  association?: Association;
  audit: AuditEvent;
  /** Put in the account's notification outbox in the same atomic step (nothing is written on a conflict). */
  notify?: NotificationEvent;
}

export interface RequestStore {
  /** Stores a new request; it is kept until `retainUntil`, after which it is forgotten. */
  create(request: AssociationRequest, retainUntil: Date, audit: AuditEvent): Promise<void>;
  get(accountId: string, requestId: string): Promise<AssociationRequest | undefined>;
  /** The account's requests that are still open (awaiting Confirm or a Manager), in no particular order. */
  listOpen(accountId: string): Promise<AssociationRequest[]>;
  /** Compare-and-set on `version`: applies only if the stored version equals `expectedVersion`. */
  transition(change: RequestTransition, retainUntil: Date): Promise<TransitionResult>;
}

export interface AuditLog {
  append(event: AuditEvent): Promise<void>;
  recent(accountId: string, count: number): Promise<AuditEvent[]>;
}

export type TenantLookup =
  | { kind: 'tenant'; signIn: TenantSignIn }
  /** Signed in with a personal Microsoft account: there is no organization directory behind it (R9). */
  | { kind: 'personalAccount'; userPrincipalName: string };

/** Reads the signed-in tenant's directory with the user's own delegated token. */
export interface TenantDirectory {
  describe(userToken: string): Promise<TenantLookup>;
}

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  next(): string;
}

/** Write-once claims shared by every bot process, so a delivery retried by Teams is acted on once. */
export interface OnceGate {
  /** True the first time `key` is claimed within `ttlMs`, false after. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Gives a claim back: the work it guarded failed, and the same delivery may be acted on again. */
  release(key: string): Promise<void>;
}
