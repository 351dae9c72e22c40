import {
  MANAGER,
  ROLES,
  type Account,
  type Association,
  type AuditEvent,
  type Member,
  type NotificationEvent,
  type Person,
  type Role,
} from './model';
import type {
  AssociationStore,
  AuditLog,
  Clock,
  DirectoryUser,
  IdGenerator,
  MemberStore,
  PersonKey,
} from './ports';
import { ok, refuse, type Result } from './result';
import { samePerson } from './requestMachine';
import { canAssociateTenants, sameTenant, summaryOf } from './rules';

export interface AccountUsersDeps {
  account: Account;
  members: MemberStore;
  associations: AssociationStore;
  audit: AuditLog;
  clock: Clock;
  ids: IdGenerator;
}

/** The `users` view: Managers see everyone; other users their own roles and who the Managers are. */
export interface UsersView {
  viewer: Member;
  isManager: boolean;
  /** By tenant, then by name. */
  users: Member[];
  tenants: Association[];
}

export interface AddedUsers {
  tenant: Association;
  added: Member[];
  /** Already account users: reported, not duplicated, their roles unchanged. */
  existing: Member[];
}

export interface HistoryPage {
  events: AuditEvent[];
  next?: string;
}

/**
 * Partner Center's Users page: the account's users, their roles, and who may change them. Users belong to
 * an associated tenant and are managed one tenant at a time, by a Manager who is a user of that tenant
 * (R6); the account always keeps a Manager (R13). Creating users stays in Partner Center (R5).
 */
export class AccountUsers {
  constructor(private readonly deps: AccountUsersDeps) {}

  async users(person: Person): Promise<Result<UsersView>> {
    const { account, members, associations } = this.deps;
    const [viewer, all, tenants] = await Promise.all([
      members.get(account.id, person),
      members.list(account.id),
      associations.list(account.id),
    ]);
    if (!viewer) return refuse({ kind: 'roleRequired', role: MANAGER, isMember: false });
    // Managers named only by id in the configuration get their name the first time they look.
    const named =
      viewer.displayName || !person.displayName ? viewer : { ...viewer, displayName: person.displayName };
    if (named !== viewer) await members.name(account.id, person);
    const everyone = all.map((m) => (samePerson(m, named) ? named : m));
    const isManager = canAssociateTenants(named);
    const users = isManager
      ? everyone
      : everyone.filter((m) => m.roles.includes(MANAGER) || samePerson(m, named));
    return ok({ viewer: named, isManager, users, tenants });
  }

  /** Who may add and change users at all: a Manager (then R6 decides for each tenant). */
  async mayChangeUsers(person: Person): Promise<Result<Association[]>> {
    const { account, members, associations } = this.deps;
    const [member, tenants] = await Promise.all([
      members.get(account.id, person),
      associations.list(account.id),
    ]);
    if (!canAssociateTenants(member)) {
      return refuse({
        kind: 'roleRequired',
        role: MANAGER,
        isMember: member !== undefined,
        to: 'add or change its users',
      });
    }
    return ok(tenants);
  }

  /**
   * R6 for a tenant: `manager` (the identity they signed in to that tenant with, or their own Teams identity
   * for their own tenant) must be a user of the tenant with the Manager role.
   */
  async mayManage(manager: Person, tenantId: string): Promise<Result<Association>> {
    const { account, members, associations } = this.deps;
    const [tenant, member] = await Promise.all([
      associations.get(account.id, tenantId),
      members.get(account.id, manager),
    ]);
    if (!tenant) return refuse({ kind: 'notAssociated', tenantId });
    if (!sameTenant(manager.tenantId, tenantId) || !canAssociateTenants(member)) {
      return refuse({ kind: 'notTenantManager', tenant: summaryOf(tenant) });
    }
    return ok(tenant);
  }

  /** Adds existing users of the tenant, with one set of roles for the batch; nobody is added twice. */
  async add(
    manager: Person,
    tenantId: string,
    users: DirectoryUser[],
    roles: readonly string[],
  ): Promise<Result<AddedUsers>> {
    const allowed = await this.mayManage(manager, tenantId);
    if (!allowed.ok) return allowed;
    const chosen = rolesIn(roles);
    if (chosen.length === 0) return refuse({ kind: 'noRoles' });
    const tenant = allowed.value;
    const writes = users.map((user) => {
      const member: Member = {
        accountId: this.deps.account.id,
        tenantId: tenant.tenantId,
        objectId: user.objectId,
        displayName: user.displayName,
        upn: user.userPrincipalName,
        roles: chosen,
      };
      return {
        member,
        audit: this.auditOf('member.added', manager, member, chosen),
        notify: this.rolesChanged(member, manager, chosen, tenant),
      };
    });
    const { added, existing } = await this.deps.members.add(this.deps.account.id, writes);
    return ok({ tenant, added, existing });
  }

  /** Replaces a user's roles (R6 for their tenant, R13 for the account), at once for every check (R1). */
  async setRoles(manager: Person, target: PersonKey, roles: readonly string[]): Promise<Result<Member>> {
    const chosen = rolesIn(roles);
    if (chosen.length === 0) return refuse({ kind: 'noRoles' });
    const allowed = await this.mayManage(manager, target.tenantId);
    if (!allowed.ok) return allowed;
    const current = await this.deps.members.get(this.deps.account.id, target);
    if (!current) return refuse({ kind: 'notMember', member: { displayName: 'That person' } });
    const next: Member = { ...current, roles: chosen };
    const changed = await this.deps.members.setRoles(this.deps.account.id, {
      member: next,
      audit: this.auditOf('member.rolesChanged', manager, next, chosen),
      notify: this.rolesChanged(next, manager, chosen, allowed.value),
    });
    if (!changed.ok) return this.refusalOf(changed.reason, current);
    return ok(next);
  }

  /** Removes a user from the account: nobody is deleted from the directory (R6, R13). */
  async remove(manager: Person, target: PersonKey): Promise<Result<Member>> {
    const allowed = await this.mayManage(manager, target.tenantId);
    if (!allowed.ok) return allowed;
    const current = await this.deps.members.get(this.deps.account.id, target);
    if (!current) return refuse({ kind: 'notMember', member: { displayName: 'That person' } });
    const removed = await this.deps.members.remove(
      this.deps.account.id,
      target,
      this.auditOf('member.removed', manager, current, []),
      this.rolesChanged(current, manager, [], allowed.value),
    );
    if (!removed.ok) return this.refusalOf(removed.reason, current);
    return ok(current);
  }

  /** The history, newest first, for Managers. */
  async history(person: Person, count: number, before?: string): Promise<Result<HistoryPage>> {
    const member = await this.deps.members.get(this.deps.account.id, person);
    if (!canAssociateTenants(member)) {
      return refuse({
        kind: 'roleRequired',
        role: MANAGER,
        isMember: member !== undefined,
        to: 'see its history',
      });
    }
    return ok(await this.deps.audit.page(this.deps.account.id, count, before));
  }

  private refusalOf(reason: 'notMember' | 'lastManager', member: Member): Result<never> {
    // A Manager from the configuration has no name until they first take a look.
    return refuse({ kind: reason, member: { displayName: member.displayName || 'That Manager' } });
  }

  private auditOf(action: AuditEvent['action'], actor: Person, member: Member, roles: Role[]): AuditEvent {
    return {
      at: this.deps.clock.now().toISOString(),
      accountId: this.deps.account.id,
      action,
      actor,
      tenantId: member.tenantId,
      subject: { tenantId: member.tenantId, objectId: member.objectId, displayName: member.displayName },
      roles,
    };
  }

  /** The person concerned hears of their own roles, as they are now (none: removed from the account). */
  private rolesChanged(member: Member, by: Person, roles: Role[], tenant: Association): NotificationEvent {
    return {
      id: `roles:${this.deps.ids.next()}`,
      accountId: this.deps.account.id,
      kind: 'rolesChanged',
      at: this.deps.clock.now().toISOString(),
      tenantId: member.tenantId,
      orgDisplayName: tenant.orgDisplayName,
      defaultDomain: tenant.defaultDomain,
      requestedBy: by,
      decidedBy: by,
      concerned: [{ tenantId: member.tenantId, objectId: member.objectId }],
      roles,
      conversationId: '',
    };
  }
}

/** Partner Center's roles only, each once, in its order. */
function rolesIn(roles: readonly string[]): Role[] {
  return ROLES.filter((role) => roles.includes(role));
}
