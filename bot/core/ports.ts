import type {
  Association,
  AuditEvent,
  Member,
  NotificationEvent,
  Person,
  TenantRequest,
  TenantSignIn,
} from './model';

export type PersonKey = Pick<Person, 'tenantId' | 'objectId'>;

/** A change to one account user, with its history entry and notification: written together or not at all. */
export interface MemberWrite {
  member: Member;
  audit: AuditEvent;
  notify?: NotificationEvent;
}

export type MemberChangeResult =
  | { ok: true; before: Member }
  | { ok: false; reason: 'notMember' }
  /** R13: the account would be left with no Manager. */
  | { ok: false; reason: 'lastManager' };

export interface MemberStore {
  get(accountId: string, person: PersonKey): Promise<Member | undefined>;
  put(member: Member): Promise<void>;
  /** Names a member known only by id (a Manager from the configuration); a name already kept stays. */
  name(accountId: string, person: Person): Promise<void>;
  /** Gives each of these people the Manager role, keeping any roles they already have. Idempotent. */
  ensureManagers(accountId: string, people: Person[]): Promise<void>;
  listManagers(accountId: string): Promise<Member[]>;
  /** Every account user, by tenant then name. */
  list(accountId: string): Promise<Member[]>;
  /** Adds the people who are not account users yet, atomically; those who are stay as they are. */
  add(accountId: string, writes: MemberWrite[]): Promise<{ added: Member[]; existing: Member[] }>;
  /** Replaces a user's roles (R13 holds), atomically with its history entry and notification. */
  setRoles(accountId: string, write: MemberWrite): Promise<MemberChangeResult>;
  /** Removes a user from the account (never from the directory); R13 holds. */
  remove(
    accountId: string,
    person: PersonKey,
    audit: AuditEvent,
    notify?: NotificationEvent,
  ): Promise<MemberChangeResult>;
}

export interface AssociationStore {
  get(accountId: string, tenantId: string): Promise<Association | undefined>;
  list(accountId: string): Promise<Association[]>;
  /** R10: records the association unless the tenant has one, with its history entry once. True if recorded. */
  ensure(association: Association, audit: AuditEvent): Promise<boolean>;
}

export type TransitionResult =
  | { ok: true }
  | { ok: false; reason: 'conflict'; current?: TenantRequest }
  | { ok: false; reason: 'alreadyAssociated'; existing: Association }
  /** A removal found the tenant no longer associated. */
  | { ok: false; reason: 'notAssociated' }
  /** R12: the account's last tenant is not removed here. */
  | { ok: false; reason: 'lastTenant' };

export interface RequestTransition {
  next: TenantRequest;
  expectedVersion: number;
  /** Recorded in the same atomic step, unless the tenant is already associated (then nothing is written). */
  association?: Association;
  /** R11: with the association, the person who signed in becomes the tenant's first account user, a Manager. */
  firstManager?: MemberWrite;
  /**
   * R12: in the same atomic step, the tenant's association goes, its account users lose their roles, and its
   * other open requests are cancelled (by `actor`); refused if it is no longer associated, or the last tenant.
   */
  removal?: { tenantId: string; actor: Person };
  audit: AuditEvent;
  /** Put in the account's notification outbox in the same atomic step (nothing is written on a conflict). */
  notify?: NotificationEvent;
}

export interface RequestStore {
  /** Stores a new request; it is kept until `retainUntil`, after which it is forgotten. */
  create(request: TenantRequest, retainUntil: Date, audit: AuditEvent): Promise<void>;
  get(accountId: string, requestId: string): Promise<TenantRequest | undefined>;
  /** The account's requests that are still open (awaiting Confirm or a Manager), in no particular order. */
  listOpen(accountId: string): Promise<TenantRequest[]>;
  /** Compare-and-set on `version`: applies only if the stored version equals `expectedVersion`. */
  transition(change: RequestTransition, retainUntil: Date): Promise<TransitionResult>;
}

export interface AuditLog {
  append(event: AuditEvent): Promise<void>;
  recent(accountId: string, count: number): Promise<AuditEvent[]>;
  /** Newest first, `count` at a time; `before` is the cursor a previous page returned. */
  page(accountId: string, count: number, before?: string): Promise<{ events: AuditEvent[]; next?: string }>;
}

/** What a directory search may be: a few words of a name or an e-mail address. */
export const MAX_SEARCH_LENGTH = 60;

/** Searches a tenant's directory with the signed-in user's token, for adding existing users (R5). */
export interface UserSearch {
  /** People whose name or e-mail starts with the query; `page` is the cursor a previous search returned. */
  search(userToken: string, query: string, page?: string): Promise<{ users: DirectoryUser[]; next?: string }>;
  /** These people, if they are users of the token's tenant (the others are left out). */
  byIds(userToken: string, objectIds: string[]): Promise<DirectoryUser[]>;
}

export interface DirectoryUser {
  objectId: string;
  displayName: string;
  userPrincipalName: string;
  mail?: string;
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

/** Counts what one person does, in fixed windows shared by every bot process. */
export interface AttemptLimiter {
  /** Counts one attempt under `key`; refused (and not counted) past `limit` in the current window. */
  attempt(key: string, limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterMs: number }>;
}

/** Write-once claims shared by every bot process, so a delivery retried by Teams is acted on once. */
export interface OnceGate {
  /** True the first time `key` is claimed within `ttlMs`, false after. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Gives a claim back: the work it guarded failed, and the same delivery may be acted on again. */
  release(key: string): Promise<void>;
}
