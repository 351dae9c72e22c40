import type { Account, Association, AssociationRequest, AuditEvent, Member, Person } from './model';
import type {
  AssociationStore,
  AuditLog,
  Clock,
  IdGenerator,
  MemberStore,
  RequestStore,
  TenantLookup,
} from './ports';
import type { Refusal } from './refusals';
import { advance, decide, expire, type RequestAction } from './requestMachine';
import { canAssociateTenants, defaultDomainOf, isPersonalAccountTenant, orderedDomains } from './rules';

export interface TenantAssociationDeps {
  account: Account;
  members: MemberStore;
  associations: AssociationStore;
  requests: RequestStore;
  audit: AuditLog;
  clock: Clock;
  ids: IdGenerator;
  /** How long a request waits for Confirm before it expires. */
  requestLifetimeMs: number;
  /** How long a finished request is remembered, so a late click gets a clear answer instead of "not found". */
  retentionMs: number;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export interface Completed {
  request: AssociationRequest;
  association: Association;
}

/** The use cases of associating a tenant with the account (R1–R5, R7–R9). */
export class TenantAssociation {
  constructor(private readonly deps: TenantAssociationDeps) {}

  get account(): Account {
    return this.deps.account;
  }

  /** R1: may this person start an association? Checked before sign-in and again at every step. */
  async authorize(person: Person): Promise<Outcome<Member>> {
    const member = await this.deps.members.get(this.deps.account.id, person);
    if (!canAssociateTenants(member)) {
      return refuse({ kind: 'roleRequired', role: 'Manager', isMember: member !== undefined });
    }
    return { ok: true, value: member as Member };
  }

  /** Any user of the account may see which tenants are associated with it. */
  async listTenants(person: Person): Promise<Outcome<Association[]>> {
    const member = await this.deps.members.get(this.deps.account.id, person);
    if (!member) return refuse({ kind: 'roleRequired', role: 'Manager', isMember: false });
    return { ok: true, value: await this.deps.associations.list(this.deps.account.id) };
  }

  /**
   * After sign-in: opens a request for the tenant the person signed in to, awaiting their review (R3).
   * The tenant comes from the sign-in (R2), never from anything typed.
   */
  async openRequest(
    person: Person,
    conversationId: string,
    lookup: TenantLookup,
  ): Promise<Outcome<AssociationRequest>> {
    const authorized = await this.authorize(person);
    if (!authorized.ok) return authorized;
    if (lookup.kind === 'personalAccount' || isPersonalAccountTenant(lookup.signIn.tenantId)) {
      const upn =
        lookup.kind === 'personalAccount' ? lookup.userPrincipalName : lookup.signIn.user.userPrincipalName;
      return refuse({ kind: 'personalAccount', userPrincipalName: upn });
    }
    const { signIn } = lookup;
    const existing = await this.deps.associations.get(this.deps.account.id, signIn.tenantId);
    if (existing) return refuse({ kind: 'alreadyAssociated', association: existing });

    const now = this.deps.clock.now();
    const request: AssociationRequest = {
      id: this.deps.ids.next(),
      accountId: this.deps.account.id,
      conversationId,
      requestedBy: person,
      signIn,
      state: 'awaitingConfirm',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.deps.requestLifetimeMs).toISOString(),
      version: 1,
    };
    await this.deps.requests.create(
      request,
      this.retainUntil(request),
      this.auditOf(request, 'request.created', person, now),
    );
    return { ok: true, value: request };
  }

  /** R3: the association is made only here, on Confirm, and at most once (compare-and-set). */
  async confirm(person: Person, conversationId: string, requestId: string): Promise<Outcome<Completed>> {
    const loaded = await this.load(requestId);
    if (!loaded.ok) return loaded;
    const request = loaded.value;
    const decision = decide(request, 'confirm', person, conversationId, this.deps.clock.now());
    if (!decision.ok) return this.settle(request, decision.refusal);
    // R1 again: the role may have been taken away since the request was opened.
    const authorized = await this.authorize(person);
    if (!authorized.ok) return authorized;

    const association = this.associationFrom(decision.next, person);
    const result = await this.deps.requests.transition(
      {
        next: decision.next,
        expectedVersion: request.version,
        association,
        audit: this.auditOf(decision.next, 'association.completed', person, this.deps.clock.now()),
      },
      this.retainUntil(decision.next),
    );
    if (result.ok) return { ok: true, value: { request: decision.next, association } };
    if (result.reason === 'alreadyAssociated') {
      // R8: associated meanwhile (another request, another Manager): close this one, write nothing new.
      const closed = advance(request, 'cancelled', person, this.deps.clock.now(), 'alreadyAssociated');
      await this.deps.requests.transition(
        {
          next: closed,
          expectedVersion: request.version,
          audit: this.auditOf(closed, 'request.cancelled', person, this.deps.clock.now()),
        },
        this.retainUntil(closed),
      );
      return refuse({ kind: 'alreadyAssociated', association: result.existing });
    }
    return this.afterConflict(requestId);
  }

  async cancel(
    person: Person,
    conversationId: string,
    requestId: string,
  ): Promise<Outcome<AssociationRequest>> {
    return this.act('cancel', 'request.cancelled', person, conversationId, requestId);
  }

  async find(requestId: string): Promise<AssociationRequest | undefined> {
    return this.deps.requests.get(this.deps.account.id, requestId);
  }

  private async act(
    action: RequestAction,
    auditAction: AuditEvent['action'],
    person: Person,
    conversationId: string,
    requestId: string,
  ): Promise<Outcome<AssociationRequest>> {
    const loaded = await this.load(requestId);
    if (!loaded.ok) return loaded;
    const request = loaded.value;
    const decision = decide(request, action, person, conversationId, this.deps.clock.now());
    if (!decision.ok) return this.settle(request, decision.refusal);
    const result = await this.deps.requests.transition(
      {
        next: decision.next,
        expectedVersion: request.version,
        audit: this.auditOf(decision.next, auditAction, person, this.deps.clock.now()),
      },
      this.retainUntil(decision.next),
    );
    return result.ok ? { ok: true, value: decision.next } : this.afterConflict(requestId);
  }

  private async load(requestId: string): Promise<Outcome<AssociationRequest>> {
    const request = await this.deps.requests.get(this.deps.account.id, requestId);
    return request ? { ok: true, value: request } : refuse({ kind: 'requestNotFound' });
  }

  /** A refused action on an overdue request records its expiry, so every later view agrees. */
  private async settle(request: AssociationRequest, refusal: Refusal): Promise<Outcome<never>> {
    if (refusal.kind !== 'requestExpired') return refuse(refusal);
    const expired = expire(request, this.deps.clock.now());
    if (!expired) return refuse(refusal);
    const result = await this.deps.requests.transition(
      {
        next: expired,
        expectedVersion: request.version,
        audit: this.auditOf(expired, 'request.expired', request.requestedBy, this.deps.clock.now()),
      },
      this.retainUntil(expired),
    );
    return refuse({ kind: 'requestExpired', request: result.ok ? expired : request });
  }

  /** Someone else moved the request first: tell this person what it became. */
  private async afterConflict(requestId: string): Promise<Outcome<never>> {
    const current = await this.deps.requests.get(this.deps.account.id, requestId);
    return current
      ? refuse({ kind: 'requestFinished', request: current })
      : refuse({ kind: 'requestNotFound' });
  }

  private associationFrom(request: AssociationRequest, confirmedBy: Person): Association {
    const { signIn } = request;
    return {
      accountId: request.accountId,
      tenantId: signIn.tenantId,
      orgDisplayName: signIn.orgDisplayName,
      defaultDomain: defaultDomainOf(signIn.verifiedDomains),
      verifiedDomains: orderedDomains(signIn.verifiedDomains),
      associatedBy: request.requestedBy,
      ...(confirmedBy.objectId !== request.requestedBy.objectId ? { approvedBy: confirmedBy } : {}),
      associatedAt: request.decidedAt ?? this.deps.clock.now().toISOString(),
      requestId: request.id,
    };
  }

  private retainUntil(request: AssociationRequest): Date {
    return new Date(Date.parse(request.expiresAt) + this.deps.retentionMs);
  }

  private auditOf(
    request: AssociationRequest,
    action: AuditEvent['action'],
    actor: Person,
    at: Date,
  ): AuditEvent {
    return {
      at: at.toISOString(),
      accountId: request.accountId,
      action,
      actor,
      tenantId: request.signIn.tenantId,
      requestId: request.id,
    };
  }
}

function refuse(refusal: Refusal): { ok: false; refusal: Refusal } {
  return { ok: false, refusal };
}
