import type { Person } from '../core/model';
import type { Clock, DirectoryUser, PersonKey } from '../core/ports';

/** One sign-in pop-up, from the tab's click to Entra ID's answer. */
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
  /** A sign-in to manage that tenant's users (R6), searching its directory for `query` at once; else an association. */
  manage?: { tenantId: string; query?: string };
}

/** The last directory search of a sign-in to manage a tenant: the people found, never the token that found them. */
export interface DirectorySearch {
  query: string;
  /** As the tenant's directory returned them: only these can be added, so the page cannot name anyone else. */
  found: DirectoryUser[];
  /** The directory holds more matches than were read. */
  more: boolean;
}

/**
 * A person's sign-in to a tenant whose users they manage from the tab (R6): who signed in, where, and when.
 * Like the bot's, it keeps the identity and never the token: each directory search signs in again.
 */
export interface ManagingSession {
  /** The Teams person it belongs to. */
  person: PersonKey;
  /** Who signed in to the tenant: a user of it, with the Manager role when they did. */
  manager: Person;
  tenantId: string;
  since: string;
  search?: DirectorySearch;
}

/**
 * The tab's sign-ins. Pop-ups live minutes and are taken once: a second answer for the same state finds nothing.
 * A person has at most one sign-in to manage a tenant's users, for the sign-in lifetime.
 */
export interface SignInSessions {
  put(session: SignInSession, ttlMs: number): Promise<void>;
  get(id: string): Promise<SignInSession | undefined>;
  take(id: string): Promise<SignInSession | undefined>;
  putManaging(session: ManagingSession, ttlMs: number): Promise<void>;
  getManaging(person: PersonKey): Promise<ManagingSession | undefined>;
  endManaging(person: PersonKey): Promise<void>;
}

/** Local mode without Redis. */
export class MemorySignInSessions implements SignInSessions {
  private readonly sessions = new Map<string, { json: string; until: number }>();

  constructor(private readonly clock: Clock) {}

  async put(session: SignInSession, ttlMs: number): Promise<void> {
    this.set(`popup:${session.id}`, session, ttlMs);
  }

  async get(id: string): Promise<SignInSession | undefined> {
    return this.read<SignInSession>(`popup:${id}`);
  }

  async take(id: string): Promise<SignInSession | undefined> {
    const session = await this.get(id);
    this.sessions.delete(`popup:${id}`);
    return session;
  }

  async putManaging(session: ManagingSession, ttlMs: number): Promise<void> {
    this.set(managingId(session.person), session, ttlMs);
  }

  async getManaging(person: PersonKey): Promise<ManagingSession | undefined> {
    return this.read<ManagingSession>(managingId(person));
  }

  async endManaging(person: PersonKey): Promise<void> {
    this.sessions.delete(managingId(person));
  }

  private set(id: string, value: object, ttlMs: number): void {
    const now = this.clock.now().getTime();
    for (const [key, entry] of this.sessions) if (entry.until <= now) this.sessions.delete(key);
    this.sessions.set(id, { json: JSON.stringify(value), until: now + ttlMs });
  }

  private read<T>(id: string): T | undefined {
    const entry = this.sessions.get(id);
    if (!entry || entry.until <= this.clock.now().getTime()) return undefined;
    return JSON.parse(entry.json) as T;
  }
}

/** The key a person's sign-in to manage is kept under: their Teams identity, tenant ids case-insensitive. */
export function managingKeyOf(person: PersonKey): string {
  return `${person.tenantId.toLowerCase()}/${person.objectId}`;
}

function managingId(person: PersonKey): string {
  return `managing:${managingKeyOf(person)}`;
}
