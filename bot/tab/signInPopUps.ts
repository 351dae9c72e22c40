import type { Person } from '../core/model';
import type { Clock } from '../core/ports';
import type { Where } from '../core/tenantAssociation';
import type { EntraAnswer, EntraSignIn } from './entraSignIn';
import type { SignInSession, SignInSessions } from './signInSessions';

/**
 * What the pop-up's last page hands back to the tab (teams-js authentication.notifySuccess): the review of the
 * tenant to associate, the tenant now signed in to for managing its users, or the words to say.
 */
export type SignInResult =
  | { ok: true; requestId: string }
  | { ok: true; managing: string; notice?: string }
  | { ok: false; message: string };

export interface SignInPopUpsDeps {
  entra: EntraSignIn;
  sessions: SignInSessions;
  clock: Clock;
  /** How long the pop-up may take, from the click to Entra ID's answer. */
  signInLifetimeMs: number;
  /** The bot's public origin. */
  origin: () => string;
}

const ASSOCIATE_AGAIN = 'Close this window and select **Associate another Azure AD tenant** again.';
const MANAGE_AGAIN = 'Close this window and sign in again from the **Users** page.';
/** An answer that names no session of ours: whichever sign-in it was, it starts again from the tab. */
export const START_AGAIN =
  'This sign-in has expired or was already used. Close this window and start it again from the Tenants tab.';

/** The tab's sign-in pop-ups: one session each, for one person, answered once. */
export class SignInPopUps {
  constructor(private readonly deps: SignInPopUpsDeps) {}

  /** Where the pop-up opens, for a new session of this person's. */
  async open(person: Person, manage?: SignInSession['manage']): Promise<string> {
    const { entra, sessions, clock, origin, signInLifetimeMs } = this.deps;
    const session: SignInSession = {
      ...entra.newSession(person, clock.now()),
      ...(manage ? { manage } : {}),
    };
    await sessions.put(session, signInLifetimeMs);
    // Teams opens only https pop-ups: on an http origin (local mode) the pop-up goes straight to Entra ID.
    return origin().startsWith('https:')
      ? `${origin()}/tab/auth/start?session=${encodeURIComponent(session.id)}`
      : entra.authorizeUrl(session);
  }

  /** The pop-up's first page: on to Entra ID's account picker, or nowhere. */
  async authorizeUrl(sessionId: string): Promise<string | undefined> {
    const session = await this.deps.sessions.get(sessionId);
    return session ? this.deps.entra.authorizeUrl(session) : undefined;
  }

  /** Entra ID's answer: its session, used up now, with a code to redeem; or what to tell the person. */
  async take(
    answer: EntraAnswer,
  ): Promise<{ session: SignInSession; code: string } | { ok: false; message: string }> {
    const session = answer.state ? await this.deps.sessions.take(answer.state) : undefined;
    if (!session) return { ok: false, message: START_AGAIN };
    const again = signInAgain(session);
    if (answer.error) return { ok: false, message: entraErrorText(answer, again, !session.manage) };
    if (!answer.code) return { ok: false, message: `The sign-in didn't complete. ${again}` };
    return { session, code: answer.code };
  }
}

/** What to do after a sign-in that did not go through. */
export function signInAgain(session: SignInSession): string {
  return session.manage ? MANAGE_AGAIN : ASSOCIATE_AGAIN;
}

/** A request made in the tab belongs to that person's tab, the way a review belongs to a personal chat. */
export function tabOf(person: Person): Where {
  return { conversationId: `tab:${person.tenantId}:${person.objectId}`, isGroup: false };
}

/**
 * Entra ID's refusals that people meet: AADSTS500200 is a personal Microsoft account on a work-or-school
 * sign-in (R9); AADSTS65004 a consent declined; anything else is said as Entra ID said it.
 */
function entraErrorText(answer: EntraAnswer, again: string, associating: boolean): string {
  const description = answer.errorDescription ?? '';
  if (/AADSTS500200\b/.test(description)) {
    return associating
      ? "You signed in with a personal Microsoft account. It doesn't belong to an organization's Microsoft Entra ID " +
          'tenant, so there is nothing to associate. Sign in with a work or school account of your organization; if ' +
          'your organization has no tenant yet, you can create one from Partner Center at no additional charge.'
      : "You signed in with a personal Microsoft account. It doesn't belong to an organization's Microsoft Entra ID " +
          `tenant, so it manages no account users. ${again}`;
  }
  if (answer.error === 'access_denied' || /AADSTS65004\b/.test(description)) {
    return `The sign-in was cancelled, so nothing was ${associating ? 'associated' : 'changed'}. ${again}`;
  }
  const said = description.split(/\r?\n/)[0]?.slice(0, 300);
  return `The sign-in didn't complete${said ? ` (${said})` : ''}. ${again}`;
}
