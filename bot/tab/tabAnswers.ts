import { replies } from '../../cards/replies';
import type { Account, Person } from '../core/model';
import type { SsoTokenVerifier } from './ssoToken';

/** What a tab call answers: a status and a JSON body the page shows. */
export interface TabAnswer {
  status: number;
  body: Record<string, unknown>;
}

type Refusal = Parameters<typeof replies.refusal>[0];

/** The HTTP status of a refusal: what it says to a client that reads only statuses (the page reads the words). */
const STATUS_OF: Partial<Record<Refusal['kind'], number>> = {
  requestNotFound: 404,
  notMember: 404,
  notAssociated: 404,
  noRoles: 400,
  // The account as it stands does not allow it (R8, R12, R13), whoever asks.
  alreadyAssociated: 409,
  lastTenant: 409,
  lastManager: 409,
  requestFinished: 409,
  requestExpired: 409,
  tooManyAttempts: 429,
};

export function refused(refusal: Refusal, account: Account): TabAnswer {
  return {
    status: STATUS_OF[refusal.kind] ?? 403,
    body: { error: replies.refusal(refusal, account), reason: refusal.kind },
  };
}

export function unauthorized(): TabAnswer {
  return {
    status: 401,
    body: { error: 'Teams did not vouch for who you are. Open the Tenants tab in Teams and try again.' },
  };
}

export function badRequest(error: string): TabAnswer {
  return { status: 400, body: { error } };
}

/** Runs `handle` for the person the SSO token names; anything else is a 401 before any work is done. */
export async function asPerson(
  sso: SsoTokenVerifier,
  authorization: string | undefined,
  handle: (person: Person) => Promise<TabAnswer>,
): Promise<TabAnswer> {
  const person = await sso.personOf(authorization);
  return person ? handle(person) : unauthorized();
}
