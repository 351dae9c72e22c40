import { requestCard } from '../../cards';
import { replies } from '../../cards/replies';
import { DependencyUnavailableError } from '../core/errors';
import type { Account, Person, TenantRequest } from '../core/model';
import type { Clock } from '../core/ports';
import type { RequestAction } from '../core/requestMachine';
import { tenantOf } from '../core/rules';
import type { TenantAssociation, Where } from '../core/tenantAssociation';
import type { TenantSignIn } from '../core/tenantSignIn';
import type { EntraAnswer, EntraSignIn } from './entraSignIn';
import type { SignInSessions } from './signInSessions';
import type { SsoTokenVerifier } from './ssoToken';

/** What a tab call answers: a status and a JSON body the page shows. */
export interface TabAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** What the pop-up's last page hands back to the tab (teams-js authentication.notifySuccess/notifyFailure). */
export type SignInResult = { ok: true; requestId: string } | { ok: false; message: string };

export interface TenantsTabDeps {
  account: Account;
  association: TenantAssociation;
  signIn: TenantSignIn;
  sessions: SignInSessions;
  entra: EntraSignIn;
  sso: SsoTokenVerifier;
  clock: Clock;
  /** How long the pop-up may take, from the click to Entra ID's answer. */
  signInLifetimeMs: number;
  /** The bot's public origin. */
  origin: () => string;
}

/** The verbs the tab offers on a review: the person confirms or cancels their own request. */
const TAB_ACTIONS: readonly RequestAction[] = ['confirm', 'cancel'];

const SIGN_IN_AGAIN = 'Close this window and select **Associate another Azure AD tenant** again.';

/**
 * The Tenants tab's server side: Partner Center's Account settings > Tenants page, with the same use cases
 * as the bot (R1–R9). Every call carries a Teams SSO token; the person is whom it was issued to.
 */
export class TenantsTab {
  constructor(private readonly deps: TenantsTabDeps) {}

  /** The associated tenants and the pending requests, with what this person may do. */
  async overview(authorization: string | undefined): Promise<TabAnswer> {
    const person = await this.deps.sso.personOf(authorization);
    if (!person) return unauthorized();
    const overview = await this.deps.association.overview(person);
    if (!overview.ok) return this.refused(overview.refusal);
    const { member, canAssociate, tenants, pending } = overview.value;
    return {
      status: 200,
      body: {
        account: this.deps.account.displayName,
        viewer: { displayName: member.displayName || person.displayName, canAssociate },
        tenants: tenants.map((a) => ({
          tenantId: a.tenantId,
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
    const person = await this.deps.sso.personOf(authorization);
    if (!person) return unauthorized();
    const allowed = await this.deps.association.mayStart(person, tabOf(person));
    if (!allowed.ok) return this.refused(allowed.refusal);
    const session = this.deps.entra.newSession(person, this.deps.clock.now());
    await this.deps.sessions.put(session, this.deps.signInLifetimeMs);
    // Teams opens only https pop-ups: on an http origin (local mode) the pop-up goes straight to Entra ID.
    const url = this.deps.origin().startsWith('https:')
      ? `${this.deps.origin()}/tab/auth/start?session=${encodeURIComponent(session.id)}`
      : await this.deps.entra.authorizeUrl(session);
    return { status: 200, body: { url } };
  }

  /** The pop-up's first page: on to Entra ID's account picker, or why not. */
  async authorizeUrl(sessionId: string): Promise<string | undefined> {
    const session = await this.deps.sessions.get(sessionId);
    return session ? this.deps.entra.authorizeUrl(session) : undefined;
  }

  /** Entra ID's answer: the session is used up, the code redeemed once, the tenant's request opened (R2, R3). */
  async completeSignIn(answer: EntraAnswer): Promise<SignInResult> {
    const session = answer.state ? await this.deps.sessions.take(answer.state) : undefined;
    if (!session) {
      return { ok: false, message: `This sign-in has expired or was already used. ${SIGN_IN_AGAIN}` };
    }
    if (answer.error) return { ok: false, message: entraErrorText(answer) };
    if (!answer.code) return { ok: false, message: `The sign-in didn't complete. ${SIGN_IN_AGAIN}` };
    try {
      const completed = await this.deps.signIn.complete(
        {
          person: session.person,
          where: tabOf(session.person),
          code: answer.code,
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
              ? `The sign-in didn't go through. ${SIGN_IN_AGAIN}`
              : text,
        };
      }
      if (completed.value.kind === 'duplicate')
        return { ok: false, message: `This sign-in was already used. ${SIGN_IN_AGAIN}` };
      return { ok: true, requestId: completed.value.request.id };
    } catch (error) {
      if (!(error instanceof DependencyUnavailableError)) throw error;
      return { ok: false, message: replies.unavailable(error.dependency) };
    }
  }

  /** The review card (R3): the same template as the bot's, with this person's buttons. */
  async request(authorization: string | undefined, requestId: string): Promise<TabAnswer> {
    const person = await this.deps.sso.personOf(authorization);
    if (!person) return unauthorized();
    const view = await this.deps.association.view(person, tabOf(person).conversationId, requestId);
    if (!view.ok) return this.refused(view.refusal);
    return this.cardAnswer(view.value.request, view.value.actions);
  }

  /** Confirm or Cancel, through the same compare-and-set as the bot: one tenant, one association. */
  async act(authorization: string | undefined, requestId: string, verb: string): Promise<TabAnswer> {
    const person = await this.deps.sso.personOf(authorization);
    if (!person) return unauthorized();
    const action = TAB_ACTIONS.find((a) => a === verb);
    if (!action) return { status: 400, body: { error: replies.unknownCardAction } };
    const { conversationId } = tabOf(person);
    const acted = await this.deps.association.act(action, person, conversationId, requestId);
    const view = await this.deps.association.view(person, conversationId, requestId);
    if (!view.ok) return this.refused(acted.ok ? view.refusal : acted.refusal);
    const answer = this.cardAnswer(view.value.request, view.value.actions);
    if (!acted.ok) answer.body.notice = replies.refusal(acted.refusal, this.deps.account);
    return answer;
  }

  private cardAnswer(request: TenantRequest, actions: RequestAction[]): TabAnswer {
    const card = requestCard(request, this.deps.account, {
      actions: actions.filter((a) => TAB_ACTIONS.includes(a)),
    });
    return {
      status: 200,
      body: { requestId: request.id, state: request.state, card: card.content },
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

  private refused(refusal: Parameters<typeof replies.refusal>[0]): TabAnswer {
    const status = refusal.kind === 'requestNotFound' ? 404 : 403;
    return { status, body: { error: replies.refusal(refusal, this.deps.account), reason: refusal.kind } };
  }
}

/** A request made in the tab belongs to that person's tab, the way a review belongs to a personal chat. */
export function tabOf(person: Person): Where {
  return { conversationId: `tab:${person.tenantId}:${person.objectId}`, isGroup: false };
}

function unauthorized(): TabAnswer {
  return {
    status: 401,
    body: { error: 'Teams did not vouch for who you are. Open the Tenants tab in Teams and try again.' },
  };
}

/**
 * Entra ID's refusals that people meet: AADSTS500200 is a personal Microsoft account on a work-or-school
 * sign-in (R9); AADSTS65004 a consent declined; anything else is said as Entra ID said it.
 */
function entraErrorText(answer: EntraAnswer): string {
  const description = answer.errorDescription ?? '';
  if (/AADSTS500200\b/.test(description)) {
    return (
      "You signed in with a personal Microsoft account. It doesn't belong to an organization's Microsoft Entra ID " +
      'tenant, so there is nothing to associate. Sign in with a work or school account of your organization; if ' +
      'your organization has no tenant yet, you can create one from Partner Center at no additional charge.'
    );
  }
  if (answer.error === 'access_denied' || /AADSTS65004\b/.test(description)) {
    return `The sign-in was cancelled, so nothing was associated. ${SIGN_IN_AGAIN}`;
  }
  const said = description.split(/\r?\n/)[0]?.slice(0, 300);
  return `The sign-in didn't complete${said ? ` (${said})` : ''}. ${SIGN_IN_AGAIN}`;
}
