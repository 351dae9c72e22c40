import { replies } from '../../cards/replies';
import type { AccountUsers } from '../core/accountUsers';
import type { Attempts } from '../core/attempts';
import { DependencyUnavailableError } from '../core/errors';
import { ROLES, type Account, type Association, type Member, type Person } from '../core/model';
import {
  MAX_SEARCH_LENGTH,
  type Clock,
  type DirectoryUser,
  type PersonKey,
  type UserSearch,
} from '../core/ports';
import { sameTenant, summaryOf } from '../core/rules';
import type { CodeRedeemer, TenantSignIn } from '../core/tenantSignIn';
import type { EntraAnswer, EntraSignIn } from './entraSignIn';
import { signInAgain, tabOf, type SignInPopUps, type SignInResult } from './signInPopUps';
import type { DirectorySearch, ManagingSession, SignInSession, SignInSessions } from './signInSessions';
import type { SsoTokenVerifier } from './ssoToken';
import { asPerson, badRequest, refused, type TabAnswer } from './tabAnswers';
import { tabWords } from './tabWords';

export interface TabUsersDeps {
  account: Account;
  users: AccountUsers;
  signIn: TenantSignIn;
  userSearch: UserSearch;
  attempts: Attempts;
  sessions: SignInSessions;
  popUps: SignInPopUps;
  entra: EntraSignIn;
  sso: SsoTokenVerifier;
  clock: Clock;
  /** How long a sign-in to manage a tenant's users lasts: the bot's sign-in lifetime. */
  signInLifetimeMs: number;
}

/**
 * People read from the directory by one search: four of Graph's pages, all read while the sign-in's token is in
 * hand. Past that, narrowing the search beats scrolling.
 */
const MAX_FOUND = 100;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A sign-in to manage a tenant that still holds, with the tenant as the account knows it now. */
interface ActiveSession {
  session: ManagingSession;
  tenant: Association;
}

/**
 * The Users page: Partner Center's account users by tenant, with their roles (R1, R4). Managers change roles
 * and remove users of the tenants they may manage (R6: their own Teams identity's tenant, or the one they signed
 * in to in the pop-up), and add people from a tenant's directory; the account keeps a Manager (R13).
 *
 * The directory is searched with the token of a sign-in, inside the request that redeems it: the token is
 * never kept. What is kept, for the sign-in lifetime, is who signed in and whom the search found.
 */
export class TabUsers {
  constructor(private readonly deps: TabUsersDeps) {}

  /** Managers see everyone; other users their own roles and who the Managers are. */
  view(authorization: string | undefined): Promise<TabAnswer> {
    return asPerson(this.deps.sso, authorization, async (person) => {
      const { account, users } = this.deps;
      const view = await users.users(person);
      if (!view.ok) return refused(view.refusal, account);
      const { viewer, isManager, tenants } = view.value;
      const members = view.value.users;
      const active = isManager ? await this.activeSession(person) : undefined;
      const own = isManager && (await users.mayManage(person, person.tenantId)).ok;
      const manageable = (tenantId: string) =>
        (own && sameTenant(tenantId, person.tenantId)) ||
        (active !== undefined && sameTenant(tenantId, active.tenant.tenantId));
      return {
        status: 200,
        body: {
          account: account.displayName,
          viewer: { displayName: viewer.displayName || person.displayName, roles: viewer.roles, isManager },
          roles: ROLES,
          searchLength: MAX_SEARCH_LENGTH,
          tenants: tenants.map((t) => ({
            tenantId: t.tenantId,
            organization: t.orgDisplayName,
            defaultDomain: t.defaultDomain,
            own: sameTenant(t.tenantId, person.tenantId),
            manageable: manageable(t.tenantId),
            users: members.filter((m) => sameTenant(m.tenantId, t.tenantId)).map(memberView),
          })),
          ...(active ? { managing: this.managingView(active, members) } : {}),
        },
      };
    });
  }

  /**
   * A sign-in to a tenant, in the same pop-up as an association, to manage its users (R6) and, given a query,
   * to search its directory at once. Only a Manager may start one, for an associated tenant.
   */
  startSignIn(authorization: string | undefined, body: unknown): Promise<TabAnswer> {
    return asPerson(this.deps.sso, authorization, async (person) => {
      const tenantId = textIn(body, 'tenantId');
      if (!tenantId) return badRequest(replies.chooseTenant);
      const allowed = await this.deps.users.mayChangeUsers(person);
      if (!allowed.ok) return refused(allowed.refusal, this.deps.account);
      const tenant = allowed.value.find((t) => sameTenant(t.tenantId, tenantId));
      if (!tenant) return refused({ kind: 'notAssociated', tenantId }, this.deps.account);
      const query = (textIn(body, 'query') ?? '').trim().slice(0, MAX_SEARCH_LENGTH);
      // Each pop-up costs a code redemption at Entra ID, each search up to four Graph pages: the bot's limits hold.
      for (const kind of query ? (['signIn', 'directorySearch'] as const) : (['signIn'] as const)) {
        const often = await this.deps.attempts.allow(kind, person);
        if (!often.ok) return refused(often.refusal, this.deps.account);
      }
      const url = await this.deps.popUps.open(person, {
        tenantId: tenant.tenantId,
        ...(query ? { query } : {}),
      });
      return { status: 200, body: { url } };
    });
  }

  /**
   * The pop-up's answer for a sign-in to manage: who signed in must be a Manager who is a user of that tenant
   * (R6, on the identity signed in with). The directory search runs now, with this sign-in's token, which is
   * dropped when this request ends.
   */
  async completeSignIn(session: SignInSession, answer: EntraAnswer, code: string): Promise<SignInResult> {
    const { tenantId, query } = session.manage ?? { tenantId: '' };
    const redeemer = this.deps.entra.redeemerFor(session, answer);
    let token: string | undefined;
    const keeping: CodeRedeemer = { redeem: async (c) => (token = await redeemer.redeem(c)) };
    try {
      const signedIn = await this.deps.signIn.manage(
        {
          person: session.person,
          where: tabOf(session.person),
          code,
          pending: { startedAt: session.startedAt },
          deliveryKey: `tab-signin:${session.id}`,
        },
        keeping,
        tenantId,
      );
      if (!signedIn.ok) {
        return {
          ok: false,
          message:
            signedIn.refusal.kind === 'codeRejected'
              ? `The sign-in didn't go through. ${signInAgain(session)}`
              : replies.refusal(signedIn.refusal, this.deps.account),
        };
      }
      if (signedIn.value.kind === 'duplicate')
        return { ok: false, message: `This sign-in was already used. ${signInAgain(session)}` };
      const { manager, tenant } = signedIn.value;
      let search: DirectorySearch | undefined;
      let notice: string | undefined;
      if (query && token) {
        try {
          search = await this.search(token, query);
          if (search.more) notice = tabWords.tooManyFound(MAX_FOUND);
        } catch (error) {
          if (!(error instanceof DependencyUnavailableError)) throw error;
          notice = tabWords.searchUnavailable(summaryOf(tenant));
        }
      }
      await this.deps.sessions.putManaging(
        {
          person: keyOf(session.person),
          manager,
          tenantId: tenant.tenantId,
          since: this.deps.clock.now().toISOString(),
          ...(search ? { search } : {}),
        },
        this.deps.signInLifetimeMs,
      );
      return { ok: true, managing: tenant.tenantId, ...(notice ? { notice } : {}) };
    } finally {
      token = undefined;
    }
  }

  /**
   * Adds people the last search found, with one set of roles for the batch (R6 on who signed in). Ids the
   * search did not return are no one's: the page cannot name a person who is not a user of that tenant.
   */
  add(authorization: string | undefined, body: unknown): Promise<TabAnswer> {
    return asPerson(this.deps.sso, authorization, async (person) => {
      const tenantId = textIn(body, 'tenantId') ?? '';
      const picked = listIn(body, 'users', MAX_FOUND);
      const roles = listIn(body, 'roles', ROLES.length);
      if (picked.length === 0 || roles.length === 0) return badRequest(replies.pickPeople);
      const active = await this.activeSession(person, tenantId);
      if (!active) return this.ended(person, tenantId);
      const people = (active.session.search?.found ?? []).filter((u) => picked.includes(u.objectId));
      if (people.length === 0) return badRequest(tabWords.pickFromResults);
      const added = await this.deps.users.add(active.session.manager, active.tenant.tenantId, people, roles);
      if (!added.ok) return refused(added.refusal, this.deps.account);
      return { status: 200, body: { notice: replies.usersAdded(added.value.added, added.value.existing) } };
    });
  }

  /** The roles chosen replace the user's roles (R6 for their tenant, R13 for the account). */
  setRoles(
    authorization: string | undefined,
    target: { tenantId: string; objectId: string },
    body: unknown,
  ): Promise<TabAnswer> {
    return asPerson(this.deps.sso, authorization, async (person) => {
      if (!isUser(target)) return this.notMember();
      const manager = await this.managerFor(person, target.tenantId);
      const changed = await this.deps.users.setRoles(manager, target, listIn(body, 'roles', ROLES.length));
      if (!changed.ok) return refused(changed.refusal, this.deps.account);
      return { status: 200, body: { notice: replies.rolesSaved(changed.value) } };
    });
  }

  /** Out of the account, still in their directory (R6, R13). */
  remove(
    authorization: string | undefined,
    target: { tenantId: string; objectId: string },
  ): Promise<TabAnswer> {
    return asPerson(this.deps.sso, authorization, async (person) => {
      if (!isUser(target)) return this.notMember();
      const manager = await this.managerFor(person, target.tenantId);
      const removed = await this.deps.users.remove(manager, target);
      if (!removed.ok) return refused(removed.refusal, this.deps.account);
      return { status: 200, body: { notice: replies.userRemoved(removed.value) } };
    });
  }

  /** Forgets who the person signed in to a tenant as. */
  signOut(authorization: string | undefined): Promise<TabAnswer> {
    return asPerson(this.deps.sso, authorization, async (person) => {
      const session = await this.deps.sessions.getManaging(person);
      await this.deps.sessions.endManaging(person);
      const tenant = session && (await this.deps.users.mayManage(session.manager, session.tenantId));
      return {
        status: 200,
        body: { notice: tabWords.signedOut(tenant?.ok ? summaryOf(tenant.value) : undefined) },
      };
    });
  }

  /** Who acts on that tenant's users: who signed in to it, or else the person's Teams identity. */
  private async managerFor(person: Person, tenantId: string): Promise<Person> {
    return (await this.activeSession(person, tenantId))?.session.manager ?? person;
  }

  /**
   * The person's sign-in to manage a tenant, if it still holds: within its lifetime, and who signed in is still a
   * Manager of the account and a user of that tenant (R6 again at every step: a role taken away meanwhile, or the
   * tenant removed, ends it).
   */
  private async activeSession(person: Person, tenantId?: string): Promise<ActiveSession | undefined> {
    const session = await this.deps.sessions.getManaging(person);
    if (!session || (tenantId !== undefined && !sameTenant(session.tenantId, tenantId))) return undefined;
    if (this.deps.signIn.isCurrent(session.since)) {
      const allowed = await this.deps.users.mayManage(session.manager, session.tenantId);
      if (allowed.ok) return { session, tenant: allowed.value };
    }
    await this.deps.sessions.endManaging(person);
    return undefined;
  }

  private async search(token: string, query: string): Promise<DirectorySearch> {
    const found: DirectoryUser[] = [];
    let page: string | undefined;
    do {
      const answer = await this.deps.userSearch.search(token, query, page);
      found.push(...answer.users);
      page = answer.next;
    } while (page && found.length < MAX_FOUND);
    return { query, found: found.slice(0, MAX_FOUND), more: page !== undefined || found.length > MAX_FOUND };
  }

  private managingView({ session, tenant }: ActiveSession, members: Member[]) {
    const inTenant = members.filter((m) => sameTenant(m.tenantId, tenant.tenantId));
    const { search } = session;
    return {
      tenantId: tenant.tenantId,
      organization: tenant.orgDisplayName,
      signedInAs: session.manager.displayName,
      until: new Date(Date.parse(session.since) + this.deps.signInLifetimeMs).toISOString(),
      ...(search
        ? {
            search: {
              query: search.query,
              more: search.more,
              results: search.found.map((u) => {
                const already = inTenant.find((m) => m.objectId === u.objectId);
                return { ...u, ...(already ? { roles: already.roles } : {}) };
              }),
            },
          }
        : {}),
    };
  }

  /** The sign-in to that tenant has ended (its lifetime, a role or the tenant gone): nothing was changed. */
  private async ended(person: Person, tenantId: string): Promise<TabAnswer> {
    const tenants = await this.deps.users.mayChangeUsers(person);
    if (!tenants.ok) return refused(tenants.refusal, this.deps.account);
    const tenant = tenants.value.find((t) => sameTenant(t.tenantId, tenantId));
    return {
      status: 403,
      body: { error: tabWords.managingEnded(tenant && summaryOf(tenant)), reason: 'managingEnded' },
    };
  }

  private notMember(): TabAnswer {
    return refused({ kind: 'notMember', member: { displayName: 'That person' } }, this.deps.account);
  }
}

function memberView(member: Member) {
  return {
    tenantId: member.tenantId,
    objectId: member.objectId,
    displayName: member.displayName,
    ...(member.upn ? { upn: member.upn } : {}),
    roles: member.roles,
  };
}

function keyOf(person: Person): PersonKey {
  return { tenantId: person.tenantId, objectId: person.objectId };
}

function isUser(target: { tenantId: string; objectId: string }): boolean {
  return GUID.test(target.tenantId) && GUID.test(target.objectId);
}

function textIn(body: unknown, name: string): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value.length <= 200 ? value : undefined;
}

/** The strings of a list in the body, at most `max` (longer lists are not something the page sends). */
function listIn(body: unknown, name: string, max: number): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is string => typeof v === 'string' && v.length <= 100).slice(0, max);
}
