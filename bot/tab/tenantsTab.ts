import { requestCard } from '../../cards';
import { replies } from '../../cards/replies';
import { DependencyUnavailableError } from '../core/errors';
import type { Account, Person, TenantRequest } from '../core/model';
import { isOpen, type RequestAction } from '../core/requestMachine';
import { sameTenant, tenantOf } from '../core/rules';
import type { Attempts } from '../core/attempts';
import type { TenantAssociation } from '../core/tenantAssociation';
import type { TenantSignIn } from '../core/tenantSignIn';
import type { EntraAnswer, EntraSignIn } from './entraSignIn';
import { signInAgain, tabOf, type SignInPopUps, type SignInResult } from './signInPopUps';
import type { SignInSession } from './signInSessions';
import type { SsoTokenVerifier } from './ssoToken';
import { asPerson, badRequest, refused, unauthorized, type TabAnswer } from './tabAnswers';
import type { TabHistory } from './tabHistory';
import type { TabUsers } from './tabUsers';

export type { SignInResult } from './signInPopUps';
export type { TabAnswer } from './tabAnswers';

export interface TenantsTabDeps {
  account: Account;
  association: TenantAssociation;
  signIn: TenantSignIn;
  attempts: Attempts;
  popUps: SignInPopUps;
  entra: EntraSignIn;
  sso: SsoTokenVerifier;
  /** The Users page, whose sign-ins come back through the same pop-up. */
  users: TabUsers;
  history: TabHistory;
}

/** The verbs the tab offers on a review: the person confirms or cancels their own request. */
const TAB_ACTIONS: readonly RequestAction[] = ['confirm', 'cancel'];

/**
 * The Tenants tab's server side: Partner Center's Account settings > Tenants page, with the same use cases
 * as the bot (R1–R12), and its Users and History pages. Every call carries a Teams SSO token; the person is
 * whom it was issued to.
 */
export class TenantsTab {
  constructor(private readonly deps: TenantsTabDeps) {}

  get users(): TabUsers {
    return this.deps.users;
  }

  get history(): TabHistory {
    return this.deps.history;
  }

  /** The associated tenants and the pending requests, with what this person may do. */
  async overview(authorization: string | undefined): Promise<TabAnswer> {
    const person = await this.deps.sso.personOf(authorization);
    if (!person) return unauthorized();
    const overview = await this.deps.association.overview(person);
    if (!overview.ok) return refused(overview.refusal, this.deps.account);
    const { member, canAssociate, tenants, pending } = overview.value;
    return {
      status: 200,
      body: {
        account: this.deps.account.displayName,
        // R1 and R12 take the same role: whoever may associate may ask to remove.
        viewer: {
          displayName: member.displayName || person.displayName,
          canAssociate,
          canRemove: canAssociate,
        },
        tenants: tenants.map((a) => ({
          tenantId: a.tenantId,
          // R12: the tenant of the person's own Teams identity is never theirs to remove.
          own: sameTenant(a.tenantId, person.tenantId),
          organization: a.orgDisplayName,
          defaultDomain: a.defaultDomain,
          otherDomains: a.verifiedDomains.filter((d) => d !== a.defaultDomain),
          associatedAt: a.associatedAt,
          associatedBy: a.associatedBy.displayName,
          ...(a.approvedBy ? { approvedBy: a.approvedBy.displayName } : {}),
        })),
        pending: pending.map((r) => this.pendingView(r, person)),
      },
    };
  }

  /** "Associate another Azure AD tenant": R1 first, then a pop-up of its own for this person. */
  async startSignIn(authorization: string | undefined): Promise<TabAnswer> {
    return asPerson(this.deps.sso, authorization, async (person) => {
      const allowed = await this.deps.association.mayStart(person, tabOf(person));
      if (!allowed.ok) return refused(allowed.refusal, this.deps.account);
      const often = await this.deps.attempts.allow('signIn', person);
      if (!often.ok) return refused(often.refusal, this.deps.account);
      return { status: 200, body: { url: await this.deps.popUps.open(person) } };
    });
  }

  /** The pop-up's first page: on to Entra ID's account picker, or why not. */
  authorizeUrl(sessionId: string): Promise<string | undefined> {
    return this.deps.popUps.authorizeUrl(sessionId);
  }

  /**
   * Entra ID's answer: the session is used up and the code redeemed once. An association's opens the
   * tenant's request (R2, R3); a sign-in to manage a tenant's users goes to the Users page (R6).
   */
  async completeSignIn(answer: EntraAnswer): Promise<SignInResult> {
    const taken = await this.deps.popUps.take(answer);
    if (!('session' in taken)) return taken;
    const { session, code } = taken;
    try {
      return session.manage
        ? await this.deps.users.completeSignIn(session, answer, code)
        : await this.associationSignedIn(session, answer, code);
    } catch (error) {
      if (!(error instanceof DependencyUnavailableError)) throw error;
      return { ok: false, message: replies.unavailable(error.dependency) };
    }
  }

  private async associationSignedIn(
    session: SignInSession,
    answer: EntraAnswer,
    code: string,
  ): Promise<SignInResult> {
    const completed = await this.deps.signIn.complete(
      {
        person: session.person,
        where: tabOf(session.person),
        code,
        pending: { startedAt: session.startedAt },
        deliveryKey: `tab-signin:${session.id}`,
      },
      this.deps.entra.redeemerFor(session, answer),
    );
    if (!completed.ok) {
      const text = replies.refusal(completed.refusal, this.deps.account);
      return {
        ok: false,
        message:
          completed.refusal.kind === 'codeRejected'
            ? `The sign-in didn't go through. ${signInAgain(session)}`
            : text,
      };
    }
    if (completed.value.kind === 'duplicate')
      return { ok: false, message: `This sign-in was already used. ${signInAgain(session)}` };
    return { ok: true, requestId: completed.value.request.id };
  }

  /**
   * Remove on a tenant: its removal request, reviewed here with what it takes away and confirmed (R12). Only a
   * Manager may, never for the tenant of their own Teams identity, never for the last tenant.
   */
  async startRemoval(authorization: string | undefined, body: unknown): Promise<TabAnswer> {
    return asPerson(this.deps.sso, authorization, async (person) => {
      const tenantId = (body as { tenantId?: unknown } | undefined)?.tenantId;
      if (typeof tenantId !== 'string' || !tenantId || tenantId.length > 100)
        return badRequest(replies.chooseTenant);
      const opened = await this.deps.association.openRemoval(person, tabOf(person), tenantId);
      if (!opened.ok) return refused(opened.refusal, this.deps.account);
      return { status: 200, body: { requestId: opened.value.id } };
    });
  }

  /** The review card (R3): the same template as the bot's, with this person's buttons. */
  async request(authorization: string | undefined, requestId: string): Promise<TabAnswer> {
    return asPerson(this.deps.sso, authorization, async (person) => {
      const view = await this.deps.association.view(person, tabOf(person).conversationId, requestId);
      if (!view.ok) return refused(view.refusal, this.deps.account);
      return this.cardAnswer(view.value.request, view.value.actions);
    });
  }

  /** Confirm or Cancel, through the same compare-and-set as the bot: one tenant, one association or removal. */
  async act(authorization: string | undefined, requestId: string, verb: string): Promise<TabAnswer> {
    return asPerson(this.deps.sso, authorization, async (person) => {
      const action = TAB_ACTIONS.find((a) => a === verb);
      if (!action) return badRequest(replies.unknownCardAction);
      const { conversationId } = tabOf(person);
      const acted = await this.deps.association.act(action, person, conversationId, requestId);
      const view = await this.deps.association.view(person, conversationId, requestId);
      if (!view.ok) return refused(acted.ok ? view.refusal : acted.refusal, this.deps.account);
      const answer = await this.cardAnswer(view.value.request, view.value.actions);
      if (!acted.ok) answer.body.notice = replies.refusal(acted.refusal, this.deps.account);
      return answer;
    });
  }

  private async cardAnswer(request: TenantRequest, actions: RequestAction[]): Promise<TabAnswer> {
    // While a removal is open, its review lists what it takes away, as it stands now (R12).
    const consequences =
      request.kind === 'remove' && isOpen(request)
        ? { consequences: await this.deps.association.consequencesOf(request) }
        : {};
    const card = requestCard(request, this.deps.account, {
      actions: actions.filter((a) => TAB_ACTIONS.includes(a)),
      ...consequences,
    });
    return {
      status: 200,
      body: {
        requestId: request.id,
        kind: request.kind === 'remove' ? 'remove' : 'associate',
        state: request.state,
        card: card.content,
      },
    };
  }

  private pendingView(request: TenantRequest, viewer: Person) {
    const tenant = tenantOf(request);
    return {
      requestId: request.id,
      kind: request.kind === 'remove' ? 'remove' : 'associate',
      organization: tenant.orgDisplayName,
      defaultDomain: tenant.defaultDomain,
      tenantId: tenant.tenantId,
      waitingFor: request.state === 'awaitingApproval' ? 'A Manager’s approval' : 'Confirm',
      requestedBy: request.requestedBy.displayName,
      where: request.conversationId.startsWith('tab:')
        ? 'Tenants tab'
        : request.approval
          ? 'Group chat or channel'
          : 'Personal chat',
      createdAt: request.createdAt,
      expiresAt: request.expiresAt,
      // Only the person's own tab reviews can be reopened here: the others belong to their chats.
      reviewHere: request.conversationId === tabOf(viewer).conversationId,
    };
  }
}
