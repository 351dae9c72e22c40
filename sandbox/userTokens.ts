import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SignInAccount, TeamsUser } from '../demo/directory';
import type { Claims } from './keys';

/** Every member user holds the built-in User role; Graph tokens list it in `wids`. */
const MEMBER_ROLE_TEMPLATE_ID = 'b79fbf4d-3ef9-4689-8143-76b194e85509';
const GLOBAL_ADMIN_ROLE_TEMPLATE_ID = '62e90394-69f5-4237-9190-012177145e10';
const GRAPH_TOKEN_SCOPES = 'User.Read openid profile email';

export const TOKEN_LIFETIME_SECONDS = 3600;

/**
 * Teams' own Entra apps, which a tab's app pre-authorizes for its `access_as_user` scope; an SSO token's `azp`
 * names the one that asked: the desktop and mobile clients, or Teams on the web.
 */
export const TEAMS_DESKTOP_CLIENT_ID = '1fec8e78-bce4-4aaf-ab1b-5451cc387264';
export const TEAMS_WEB_CLIENT_ID = '5e3ce6c0-2b1f-4285-8d4b-75ee78787346';
/** The scope a tab's app exposes for Teams SSO (`api://{host}/{clientId}/access_as_user`). */
export const SSO_SCOPE = 'access_as_user';

interface Lifetime {
  iat: number;
  nbf: number;
  exp: number;
}

const lifetime = (now: number): Lifetime => ({ iat: now, nbf: now, exp: now + TOKEN_LIFETIME_SECONDS });

/** A delegated Microsoft Graph access token (v1.0, as Graph's are), with the user's role templates in `wids`. */
export function graphAccessTokenClaims(
  account: SignInAccount,
  options: { issuer: string; audience: string; now: number; clientId?: string },
): Claims {
  return {
    aud: options.audience,
    iss: options.issuer,
    ...lifetime(options.now),
    ...(options.clientId ? { appid: options.clientId, appidacr: '1' } : {}),
    tid: account.tenantId,
    oid: account.objectId,
    sub: uuidFrom(`sub:${account.objectId}`),
    upn: account.userPrincipalName,
    preferred_username: account.userPrincipalName,
    unique_name: account.userPrincipalName,
    name: account.displayName,
    scp: GRAPH_TOKEN_SCOPES,
    ver: '1.0',
    uti: randomUUID(),
    ...(account.personal
      ? { idp: 'live.com', acct: 1 }
      : {
          acct: 0,
          wids: [...(account.globalAdmin ? [GLOBAL_ADMIN_ROLE_TEMPLATE_ID] : []), MEMBER_ROLE_TEMPLATE_ID],
        }),
  };
}

/** The v2.0 id token of an OpenID Connect sign-in: for the app (`aud`), echoing the authorize request's nonce. */
export function idTokenClaims(
  account: SignInAccount,
  options: { issuer: string; clientId: string; now: number; nonce?: string },
): Claims {
  return {
    aud: options.clientId,
    iss: options.issuer,
    ...lifetime(options.now),
    aio: opaque(),
    name: account.displayName,
    ...(options.nonce !== undefined ? { nonce: options.nonce } : {}),
    oid: account.objectId,
    preferred_username: account.userPrincipalName,
    rh: opaque(),
    sub: pairwiseSubject(options.clientId, account.objectId),
    tid: account.tenantId,
    uti: randomUUID(),
    ver: '2.0',
  };
}

/**
 * A Teams SSO token (`authentication.getAuthToken`) as Entra ID issues it to Teams for the tab's app: v2.0, the
 * Teams user's home tenant (Teams SSO never signs in anywhere else), `scp` access_as_user, `azp` a Teams client.
 */
export function ssoTokenClaims(
  user: TeamsUser,
  options: { issuer: string; tenantId: string; audience: string; now: number; azp?: string },
): Claims {
  return {
    aud: options.audience,
    iss: options.issuer,
    ...lifetime(options.now),
    aio: opaque(),
    azp: options.azp ?? TEAMS_DESKTOP_CLIENT_ID,
    azpacr: '0',
    name: user.displayName,
    oid: user.objectId,
    preferred_username: user.userPrincipalName,
    rh: opaque(),
    scp: SSO_SCOPE,
    sub: pairwiseSubject(options.audience, user.objectId),
    tid: options.tenantId,
    uti: randomUUID(),
    ver: '2.0',
  };
}

/** Adds or replaces claims; a claim given as `undefined` is removed (for tokens that lack one). */
export function withOverrides(claims: Claims, overrides: Record<string, unknown> = {}): Claims {
  const result: Claims = { ...claims };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete result[name];
    else result[name] = value;
  }
  return result;
}

/** `sub` is pairwise in Entra ID: the same person has a different subject in every app. */
function pairwiseSubject(app: string, objectId: string): string {
  return createHash('sha256').update(`${app}:${objectId}`).digest('base64url').slice(0, 43);
}

const opaque = (): string => randomBytes(24).toString('base64url');

/** A stable UUID-shaped id derived from a name, so the same app or user keeps its ids across runs. */
export function uuidFrom(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
