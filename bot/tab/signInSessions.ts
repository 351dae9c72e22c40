import type { Person } from '../core/model';
import type { Clock } from '../core/ports';

/** One "Associate another tenant" pop-up, from the tab's click to Entra ID's answer. */
export interface SignInSession {
  /** Also the OAuth `state`: it ties Entra ID's answer to this session and nothing else. */
  id: string;
  /** Who clicked, from their SSO token: the answer is theirs whoever's browser brings it back. */
  person: Person;
  /** PKCE: only the holder of this verifier can redeem the code. */
  codeVerifier: string;
  codeChallenge: string;
  /** Must come back in the id token, so an id token minted for another sign-in is refused. */
  nonce: string;
  startedAt: string;
}

/** Sessions live minutes and are taken once: a second answer for the same state finds nothing. */
export interface SignInSessions {
  put(session: SignInSession, ttlMs: number): Promise<void>;
  get(id: string): Promise<SignInSession | undefined>;
  take(id: string): Promise<SignInSession | undefined>;
}

/** Local mode without Redis. */
export class MemorySignInSessions implements SignInSessions {
  private readonly sessions = new Map<string, { json: string; until: number }>();

  constructor(private readonly clock: Clock) {}

  async put(session: SignInSession, ttlMs: number): Promise<void> {
    const now = this.clock.now().getTime();
    for (const [id, entry] of this.sessions) if (entry.until <= now) this.sessions.delete(id);
    this.sessions.set(session.id, { json: JSON.stringify(session), until: now + ttlMs });
  }

  async get(id: string): Promise<SignInSession | undefined> {
    const entry = this.sessions.get(id);
    if (!entry || entry.until <= this.clock.now().getTime()) return undefined;
    return JSON.parse(entry.json) as SignInSession;
  }

  async take(id: string): Promise<SignInSession | undefined> {
    const session = await this.get(id);
    this.sessions.delete(id);
    return session;
  }
}
