import {
  MANAGER,
  type Account,
  type Association,
  type AssociationRequest,
  type AuditEvent,
  type Member,
  type NotificationEvent,
  type NotificationKind,
  type Person,
  type RemovalRequest,
  type TenantRequest,
  type TenantSummary,
} from './model';
import type { AssociationStore, Clock, IdGenerator, MemberStore, RequestStore, TenantLookup } from './ports';
import type { Refusal } from './refusals';
import {
  advance,
  availableActions,
  decide,
  expire,
  isDue,
  isOpen,
  type Actor,
  type ApprovalPolicy,
  type Context,
  type RequestAction,
} from './requestMachine';
import { ok, refuse, type Result } from './result';
import {
  canAssociateTenants,
  defaultDomainOf,
  isPersonalAccountTenant,
  orderedDomains,
  sameTenant,
  summaryOf,
  tenantOf,
} from './rules';

export interface TenantAssociationDeps {
  account: Account;
  members: MemberStore;
  associations: AssociationStore;
  requests: RequestStore;
  clock: Clock;
  ids: IdGenerator;
  /** How long a review in a personal chat waits for Confirm. */
  requestLifetimeMs: number;
  /** How long a request in a group chat or channel waits for a Manager. */
  groupRequestLifetimeMs: number;
  policy: ApprovalPolicy;
  /** How long a finished request is remembered, so a late click gets a clear answer instead of "not found". */
  retentionMs: number;
}

/** What removing a tenant takes away, shown on its review card before anything happens (R12). */
export interface RemovalConsequences {
  users: Member[];
  pending: TenantRequest[];
}

/** Where a request is made: a personal chat is reviewed and confirmed; elsewhere a Manager approves. */
export interface Where {
  conversationId: string;
  isGroup: boolean;
}

/** What Partner Center's Account settings > Tenants page shows a user of the account. */
export interface TenantsOverview {
  member: Member;
  /** R1: whether this person may associate another tenant. */
  canAssociate: boolean;
  /** Oldest first, as Partner Center lists them. */
  tenants: Association[];
  /** Requests still waiting for Confirm or a Manager, oldest first. */
  pending: TenantRequest[];
}

export interface RequestView {
  request: TenantRequest;
  actions: RequestAction[];
}

const AUDIT_OF: Record<RequestAction, AuditEvent['action']> = {
  confirm: 'association.completed',
  approve: 'association.completed',
  cancel: 'request.cancelled',
  withdraw: 'request.cancelled',
  reject: 'request.rejected',
};

/** A removal that completes is the tenant's removal. */
function auditActionOf(request: TenantRequest, action: RequestAction): AuditEvent['action'] {
  const audited = AUDIT_OF[action];
  return audited === 'association.completed' && request.kind === 'remove' ? 'tenant.removed' : audited;
}

/** Who hears about each outcome. A personal review that is cancelled or left to expire concerns nobody else. */
const NOTIFY_OF: Partial<Record<RequestAction, NotificationKind>> = {
  confirm: 'completed',
  approve: 'completed',
  reject: 'rejected',
  withdraw: 'withdrawn',
};

/**
 * The use cases of the account's tenants: associating one (R1–R5, R7–R9, R11) and removing one (R12), in
 * personal chats (reviewed and confirmed) and in group chats and channels (approved by a Manager).
 */
export class TenantAssociation {
  constructor(private readonly deps: TenantAssociationDeps) {}

  get account(): Account {
    return this.deps.account;
  }

  get policy(): ApprovalPolicy {
    return this.deps.policy;
  }

  /** R1: may this person associate a tenant themselves? Checked before sign-in and again at every step. */
  async authorize(person: Person): Promise<Result<Member>> {
    const actor = await this.actorOf(person);
    if (!actor.member || !actor.isManager) {
      return refuse({ kind: 'roleRequired', role: 'Manager', isMember: actor.isMember });
    }
    return ok(actor.member);
  }

  /**
   * R1 before the sign-in card: in a personal chat only a Manager may start, and reviews the tenant
   * themselves; in a group chat or channel anyone may ask, and a Manager approves.
   */
  async mayStart(person: Person, where: Where): Promise<Result<void>> {
    if (where.isGroup) return ok(undefined);
    const authorized = await this.authorize(person);
    return authorized.ok ? ok(undefined) : authorized;
  }

  /** Any user of the account may see which tenants are associated with it. */
  async listTenants(person: Person): Promise<Result<Association[]>> {
    const member = await this.deps.members.get(this.deps.account.id, person);
    if (!member) return refuse({ kind: 'roleRequired', role: 'Manager', isMember: false });
    return ok(await this.deps.associations.list(this.deps.account.id));
  }

  /** The Tenants page: the associated tenants and the open requests, for any user of the account. */
  async overview(person: Person): Promise<Result<TenantsOverview>> {
    const { account, members, associations, requests, clock } = this.deps;
    const [member, tenants, open] = await Promise.all([
      members.get(account.id, person),
      associations.list(account.id),
      requests.listOpen(account.id),
    ]);
    if (!member) return refuse({ kind: 'roleRequired', role: 'Manager', isMember: false });
    const now = clock.now();
    const pending = open
      .filter((request) => isOpen(request) && !isDue(request, now))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    return ok({ member, canAssociate: canAssociateTenants(member), tenants, pending });
  }

  /**
   * R10: the account's own tenant is associated from the start (the deployment's configuration says which),
   * recorded once in the history however many processes start.
   */
  async ensureAccountTenant(tenant: TenantSummary): Promise<boolean> {
    const now = this.deps.clock.now().toISOString();
    const setup: Person = { tenantId: tenant.tenantId, objectId: '', displayName: 'Account setup' };
    return this.deps.associations.ensure(
      { accountId: this.deps.account.id, ...tenant, associatedBy: setup, associatedAt: now, requestId: '' },
      {
        at: now,
        accountId: this.deps.account.id,
        action: 'tenant.associated',
        actor: setup,
        tenantId: tenant.tenantId,
        orgDisplayName: tenant.orgDisplayName,
      },
    );
  }

  async managers(): Promise<Member[]> {
    return this.deps.members.listManagers(this.deps.account.id);
  }

  /**
   * After sign-in: opens a request for the tenant the person signed in to (R2). In a personal chat only a
   * Manager may, and reviews it themselves (R3); in a group chat anyone may ask, and a Manager approves (R1).
   */
  async openRequest(person: Person, where: Where, lookup: TenantLookup): Promise<Result<AssociationRequest>> {
    const allowed = await this.mayStart(person, where);
    if (!allowed.ok) return allowed;
    if (lookup.kind === 'personalAccount' || isPersonalAccountTenant(lookup.signIn.tenantId)) {
      const upn =
        lookup.kind === 'personalAccount' ? lookup.userPrincipalName : lookup.signIn.user.userPrincipalName;
      return refuse({ kind: 'personalAccount', userPrincipalName: upn });
    }
    const { signIn } = lookup;
    const existing = await this.deps.associations.get(this.deps.account.id, signIn.tenantId);
    if (existing) return refuse({ kind: 'alreadyAssociated', association: existing });

    const now = this.deps.clock.now();
    const lifetime = where.isGroup ? this.deps.groupRequestLifetimeMs : this.deps.requestLifetimeMs;
    const request: AssociationRequest = {
      id: this.deps.ids.next(),
      accountId: this.deps.account.id,
      conversationId: where.conversationId,
      requestedBy: person,
      signIn,
      ...(where.isGroup ? { approval: true } : {}),
      state: where.isGroup ? 'awaitingApproval' : 'awaitingConfirm',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + lifetime).toISOString(),
      version: 1,
    };
    await this.deps.requests.create(
      request,
      this.retainUntil(request),
      this.auditOf(request, 'request.created', person),
    );
    return ok(request);
  }

  /**
   * `remove tenant`: opens the removal of an associated tenant (R12), reviewed (personal chat) or approved
   * (group chat) like an association. Never the requester's own tenant, never the last one.
   */
  /** Unlike an association, only a Manager may even ask, in a group chat too (R12); the tenants to choose from. */
  async mayRemove(person: Person): Promise<Result<Association[]>> {
    const actor = await this.actorOf(person);
    if (!actor.isManager) {
      return refuse({
        kind: 'roleRequired',
        role: 'Manager',
        isMember: actor.isMember,
        to: 'remove a tenant',
      });
    }
    return ok(await this.deps.associations.list(this.deps.account.id));
  }

  async openRemoval(person: Person, where: Where, tenantId: string): Promise<Result<RemovalRequest>> {
    const allowed = await this.mayRemove(person);
    if (!allowed.ok) return allowed;
    const all = allowed.value;
    const association = all.find((a) => sameTenant(a.tenantId, tenantId));
    if (!association) return refuse({ kind: 'notAssociated', tenantId });
    const tenant = summaryOf(association);
    if (sameTenant(tenantId, person.tenantId)) return refuse({ kind: 'ownTenant', tenant });
    if (all.length <= 1) return refuse({ kind: 'lastTenant', tenant });

    const now = this.deps.clock.now();
    const lifetime = where.isGroup ? this.deps.groupRequestLifetimeMs : this.deps.requestLifetimeMs;
    const request: RemovalRequest = {
      id: this.deps.ids.next(),
      accountId: this.deps.account.id,
      kind: 'remove',
      conversationId: where.conversationId,
      requestedBy: person,
      tenant,
      ...(where.isGroup ? { approval: true } : {}),
      state: where.isGroup ? 'awaitingApproval' : 'awaitingConfirm',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + lifetime).toISOString(),
      version: 1,
    };
    await this.deps.requests.create(
      request,
      this.retainUntil(request),
      this.auditOf(request, 'request.created', person),
    );
    return ok(request);
  }

  /**
   * Confirm, Cancel, Approve, Reject or Withdraw. Completing associates the tenant at most once (one
   * compare-and-set with the association, its audit entry and its notification); a second click is told
   * who acted first.
   */
  async act(
    action: RequestAction,
    person: Person,
    conversationId: string,
    requestId: string,
    reason?: string,
  ): Promise<Result<TenantRequest>> {
    const acted = await this.actAndView(action, person, conversationId, requestId, reason);
    return acted.ok ? ok(acted.value.request) : acted;
  }

  /** `act`, answered with the actor's own view of the request now, from what the action already read. */
  async actAndView(
    action: RequestAction,
    person: Person,
    conversationId: string,
    requestId: string,
    reason?: string,
  ): Promise<Result<RequestView>> {
    const loaded = await this.load(requestId);
    return loaded.ok ? this.actOn(loaded.value, action, person, conversationId, reason) : loaded;
  }

  /** `cancel` typed by the requester: a personal review is cancelled, a request to the chat is withdrawn. */
  async cancel(person: Person, conversationId: string, requestId: string): Promise<Result<TenantRequest>> {
    const loaded = await this.load(requestId);
    if (!loaded.ok) return loaded;
    const action = loaded.value.approval ? 'withdraw' : 'cancel';
    const acted = await this.actOn(loaded.value, action, person, conversationId);
    return acted.ok ? ok(acted.value.request) : acted;
  }

  private async actOn(
    request: TenantRequest,
    action: RequestAction,
    person: Person,
    conversationId: string,
    reason?: string,
  ): Promise<Result<RequestView>> {
    const actor = await this.actorOf(person);
    const decision = decide(request, action, actor, this.context(conversationId, clip(reason)));
    if (!decision.ok) return this.settle(request, decision.refusal);
    const next = decision.value;
    const completes = next.state === 'completed';
    // R12: whoever completes a removal must not be removing the tenant of their own identity.
    if (completes && next.kind === 'remove' && sameTenant(next.tenant.tenantId, person.tenantId)) {
      return refuse({ kind: 'ownTenant', tenant: next.tenant });
    }

    const kind = NOTIFY_OF[action];
    const notifyKind = kind === 'completed' && next.kind === 'remove' ? 'removed' : kind;
    const result = await this.deps.requests.transition(
      {
        next,
        expectedVersion: request.version,
        ...(completes ? this.completionOf(next, person) : {}),
        audit: this.auditOf(next, auditActionOf(next, action), person),
        ...(notifyKind ? { notify: this.notificationOf(next, notifyKind) } : {}),
      },
      this.retainUntil(next),
    );
    if (result.ok)
      return ok({ request: next, actions: availableActions(next, actor, this.context(conversationId)) });
    switch (result.reason) {
      case 'alreadyAssociated':
        // R8: associated meanwhile (another request, another Manager): close this one, write nothing new.
        await this.close(request, person, 'alreadyAssociated');
        return refuse({ kind: 'alreadyAssociated', association: result.existing });
      case 'notAssociated':
        await this.close(request, person, 'notAssociated');
        return refuse({ kind: 'notAssociated', tenantId: tenantOf(request).tenantId });
      case 'lastTenant':
        return refuse({ kind: 'lastTenant', tenant: tenantOf(request) });
      case 'conflict':
        return this.afterConflict(request.id);
    }
  }

  /** What completing writes with the request: the association and its first Manager, or the removal. */
  private completionOf(next: TenantRequest, decidedBy: Person) {
    if (next.kind === 'remove') return { removal: { tenantId: next.tenant.tenantId, actor: decidedBy } };
    const association = this.associationFrom(next, decidedBy);
    // R11: the person who signed in to the tenant can manage its users at once (R4, R6).
    const { user } = next.signIn;
    const firstManager: Member = {
      accountId: next.accountId,
      tenantId: next.signIn.tenantId,
      objectId: user.objectId,
      displayName: user.displayName,
      upn: user.userPrincipalName,
      roles: [MANAGER],
    };
    return {
      association,
      firstManager: {
        member: firstManager,
        audit: {
          ...this.auditOf(next, 'member.added', decidedBy),
          detail: 'firstManager',
          subject: {
            tenantId: firstManager.tenantId,
            objectId: user.objectId,
            displayName: user.displayName,
          },
          roles: [MANAGER],
        },
      },
    };
  }

  /** Ends a request whose completion can no longer happen, writing nothing else. */
  private async close(request: TenantRequest, person: Person, reason: string): Promise<void> {
    const closed = advance(request, 'cancelled', person, this.deps.clock.now(), reason);
    await this.deps.requests.transition(
      {
        next: closed,
        expectedVersion: request.version,
        audit: this.auditOf(closed, 'request.cancelled', person),
      },
      this.retainUntil(closed),
    );
  }

  /** The request as this person sees it now, with what they may do; an overdue request is expired first. */
  async view(person: Person, conversationId: string, requestId: string): Promise<Result<RequestView>> {
    const loaded = await this.load(requestId);
    if (!loaded.ok) return loaded;
    if (loaded.value.conversationId !== conversationId) return refuse({ kind: 'foreignRequest' });
    const request = (await this.expireIfDue(loaded.value)) ?? loaded.value;
    const actor = await this.actorOf(person);
    return ok({ request, actions: availableActions(request, actor, this.context(conversationId)) });
  }

  /** What removing the tenant takes away (R12): its account users' roles and its other open requests. */
  async consequencesOf(request: TenantRequest): Promise<RemovalConsequences> {
    const { account, members, requests } = this.deps;
    const { tenantId } = tenantOf(request);
    const [all, open] = await Promise.all([members.list(account.id), requests.listOpen(account.id)]);
    return {
      users: all.filter((m) => sameTenant(m.tenantId, tenantId)),
      pending: open.filter((r) => r.id !== request.id && sameTenant(tenantOf(r).tenantId, tenantId)),
    };
  }

  async find(requestId: string): Promise<TenantRequest | undefined> {
    return this.deps.requests.get(this.deps.account.id, requestId);
  }

  private async actorOf(person: Person): Promise<Actor & { member?: Member }> {
    const member = await this.deps.members.get(this.deps.account.id, person);
    return {
      person,
      isMember: member !== undefined,
      isManager: canAssociateTenants(member),
      ...(member ? { member } : {}),
    };
  }

  private context(conversationId: string, reason?: string): Context {
    return {
      conversationId,
      now: this.deps.clock.now(),
      policy: this.deps.policy,
      ...(reason ? { reason } : {}),
    };
  }

  private async load(requestId: string): Promise<Result<TenantRequest>> {
    const request = await this.deps.requests.get(this.deps.account.id, requestId);
    return request ? ok(request) : refuse({ kind: 'requestNotFound' });
  }

  /** A refused action on an overdue request records its expiry, so every later view agrees. */
  private async settle(request: TenantRequest, refusal: Refusal): Promise<Result<never>> {
    if (refusal.kind !== 'requestExpired') return refuse(refusal);
    return refuse({ kind: 'requestExpired', request: (await this.expireIfDue(request)) ?? request });
  }

  private async expireIfDue(request: TenantRequest): Promise<TenantRequest | undefined> {
    const expired = expire(request, this.deps.clock.now());
    if (!expired) return undefined;
    // Only a request others were waiting on (a Manager's approval) is worth telling people about.
    const notify =
      request.state === 'awaitingApproval' ? { notify: this.notificationOf(expired, 'expired') } : {};
    const result = await this.deps.requests.transition(
      {
        next: expired,
        expectedVersion: request.version,
        audit: this.auditOf(expired, 'request.expired', request.requestedBy),
        ...notify,
      },
      this.retainUntil(expired),
    );
    return result.ok ? expired : await this.find(request.id);
  }

  /** Someone else moved the request first: tell this person what it became. */
  private async afterConflict(requestId: string): Promise<Result<never>> {
    const current = await this.find(requestId);
    return current
      ? refuse({ kind: 'requestFinished', request: current })
      : refuse({ kind: 'requestNotFound' });
  }

  private associationFrom(request: AssociationRequest, decidedBy: Person): Association {
    const { signIn } = request;
    return {
      accountId: request.accountId,
      tenantId: signIn.tenantId,
      orgDisplayName: signIn.orgDisplayName,
      defaultDomain: defaultDomainOf(signIn.verifiedDomains),
      verifiedDomains: orderedDomains(signIn.verifiedDomains),
      associatedBy: request.requestedBy,
      ...(decidedBy.objectId !== request.requestedBy.objectId ? { approvedBy: decidedBy } : {}),
      associatedAt: request.decidedAt ?? this.deps.clock.now().toISOString(),
      requestId: request.id,
    };
  }

  private notificationOf(request: TenantRequest, kind: NotificationKind): NotificationEvent {
    const tenant = tenantOf(request);
    return {
      id: `${request.id}:${request.version}`,
      accountId: request.accountId,
      kind,
      at: request.decidedAt ?? this.deps.clock.now().toISOString(),
      requestId: request.id,
      ...(request.kind === 'remove' && kind !== 'removed' ? { removal: true } : {}),
      tenantId: tenant.tenantId,
      orgDisplayName: tenant.orgDisplayName,
      defaultDomain: tenant.defaultDomain,
      requestedBy: request.requestedBy,
      ...(request.decidedBy ? { decidedBy: request.decidedBy } : {}),
      ...(request.reason ? { reason: request.reason } : {}),
      conversationId: request.conversationId,
    };
  }

  private retainUntil(request: TenantRequest): Date {
    return new Date(Date.parse(request.expiresAt) + this.deps.retentionMs);
  }

  private auditOf(request: TenantRequest, action: AuditEvent['action'], actor: Person): AuditEvent {
    const tenant = tenantOf(request);
    return {
      at: this.deps.clock.now().toISOString(),
      accountId: request.accountId,
      action,
      actor,
      tenantId: tenant.tenantId,
      orgDisplayName: tenant.orgDisplayName,
      requestId: request.id,
      ...(request.kind === 'remove' && action === 'request.created' ? { detail: 'removal' } : {}),
    };
  }
}

/** A rejection reason is shown on a card: keep it to a sentence or two. */
function clip(reason: string | undefined): string | undefined {
  const trimmed = reason?.trim();
  return trimmed ? trimmed.slice(0, 500) : undefined;
}
