import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { SignInAccount } from '../demo/directory';
import type { Authority } from './authorities';
import { type AuthorizationCodes, s256 } from './authCodes';
import { clientInfo } from './authorize';
import { EntraError, missingParameter } from './entraErrors';
import type { Claims } from './keys';
import { grantedScopeString, resolveScopes } from './scopes';
import {
  authenticateTabApp,
  clientCredentials,
  invalidClientSecret,
  safeEqual,
  type TabAppRegistration,
} from './tabApp';
import { TOKEN_LIFETIME_SECONDS, uuidFrom } from './userTokens';

/** What the token endpoint's grants need from the login emulator. */
export interface GrantContext {
  tabApp: Required<TabAppRegistration>;
  botAppId?: string;
  botAppPassword?: string;
  codes: AuthorizationCodes;
  issuerFor(tenantId: string): string;
  sign(claims: Claims): string;
  graphAccessToken(account: SignInAccount, clientId: string): string;
  idToken(account: SignInAccount, clientId: string, nonce: string | undefined): string;
}

// Entra ID reports a little less than the token's lifetime, to allow for the time the answer takes to arrive.
const EXPIRES_IN = TOKEN_LIFETIME_SECONDS - 1;

/** `POST /{tenant}/oauth2/v2.0/token`: the grants the sandbox serves, each answering as Entra ID does. */
export function issueTokens(
  context: GrantContext,
  req: http.IncomingMessage,
  form: URLSearchParams,
  authority: Authority,
  issuerTenant: string,
): object {
  const grantType = form.get('grant_type');
  switch (grantType) {
    case 'client_credentials':
      return clientCredentialsGrant(context, req, form, issuerTenant);
    case 'authorization_code':
      return authorizationCodeGrant(context, req, form, authority);
    case null:
      throw missingParameter('grant_type');
    default:
      throw new EntraError(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grantType}'. The sandbox serves client_credentials and authorization_code.`,
      );
  }
}

/** The bot's (and the tab app's) own token: no user, `idtyp: app`. */
function clientCredentialsGrant(
  context: GrantContext,
  req: http.IncomingMessage,
  form: URLSearchParams,
  tenantId: string,
): object {
  // A multi-tenant authority cannot say which tenant's token to issue without a user.
  if (tenantId === '{tenantid}') {
    throw new EntraError(
      400,
      'invalid_request',
      50059,
      'No tenant-identifying information found in either the request or implied by any provided credentials.',
    );
  }
  const client = clientCredentials(req, form);
  if (!client.id) throw missingParameter('client_id');
  if (client.id === context.tabApp.clientId) {
    authenticateTabApp(context.tabApp, client);
  } else if (context.botAppId) {
    if (client.id !== context.botAppId) {
      throw new EntraError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${client.id}' was not found in the directory.`,
      );
    }
    if (!context.botAppPassword || !safeEqual(client.secret ?? '', context.botAppPassword)) {
      throw invalidClientSecret(client.id);
    }
  }
  // With no bot app id (local mode), any other client is let in, like the Bot Framework Emulator's anonymous bots.
  const scope = form.get('scope') ?? '';
  const resource = scope.split(' ').find((s) => s.endsWith('/.default'));
  if (!resource) {
    throw new EntraError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const now = Math.floor(Date.now() / 1000);
  const appObjectId = uuidFrom(`app:${client.id}`);
  const accessToken = context.sign({
    aud: resource.slice(0, -'/.default'.length),
    iss: context.issuerFor(tenantId),
    iat: now,
    nbf: now,
    exp: now + TOKEN_LIFETIME_SECONDS,
    azp: client.id,
    appid: client.id,
    azpacr: '1',
    idtyp: 'app',
    oid: appObjectId,
    sub: appObjectId,
    tid: tenantId,
    ver: '2.0',
    uti: randomUUID(),
  });
  return {
    token_type: 'Bearer',
    expires_in: EXPIRES_IN,
    ext_expires_in: EXPIRES_IN,
    access_token: accessToken,
  };
}

/**
 * Redeems an authorization code of the tab app: its client authenticates first (a failure leaves the code
 * untouched), then the code is spent, and it must be fresh, of this tenant, for the same redirect URI and with
 * the PKCE verifier of its challenge.
 */
function authorizationCodeGrant(
  context: GrantContext,
  req: http.IncomingMessage,
  form: URLSearchParams,
  authority: Authority,
): object {
  const client = clientCredentials(req, form);
  authenticateTabApp(context.tabApp, client);
  const code = form.get('code');
  if (!code) throw missingParameter('code');
  const redemption = context.codes.redeem(code);
  if (!redemption.ok) throw codeRefusal(redemption.problem);
  const { grant } = redemption;
  if (grant.clientId !== client.id) {
    throw new EntraError(400, 'invalid_grant', 70000, 'Provided grant is invalid or malformed.');
  }
  const tenantOfAuthority =
    authority.kind === 'tenant' || authority.kind === 'consumers' ? authority.tenantId : undefined;
  if (tenantOfAuthority && tenantOfAuthority !== grant.account.tenantId) {
    throw new EntraError(
      400,
      'invalid_grant',
      700005,
      'Provided Authorization Code is intended to use against other tenant, thus rejected.',
    );
  }
  const redirectUri = form.get('redirect_uri');
  if (redirectUri !== grant.redirectUri) {
    // Entra ID answers this one as a client error, not as a bad grant.
    throw new EntraError(
      400,
      'invalid_client',
      500112,
      `The reply address '${redirectUri ?? ''}' does not match the reply address '${grant.redirectUri}' provided when requesting Authorization code.`,
    );
  }
  const verifier = form.get('code_verifier');
  if (!verifier || s256(verifier) !== grant.codeChallenge) {
    throw new EntraError(
      400,
      'invalid_grant',
      501481,
      'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
    );
  }
  // The token request may narrow the scopes; without any, those of the authorize request stand.
  const scopes = form.get('scope') ? resolveScopes(form.get('scope'), grant.account.tenantId) : grant.scopes;
  const { account } = grant;
  return {
    token_type: 'Bearer',
    scope: grantedScopeString(scopes),
    expires_in: EXPIRES_IN,
    ext_expires_in: EXPIRES_IN,
    access_token: context.graphAccessToken(account, client.id ?? ''),
    ...(scopes.oidc.includes('openid')
      ? { id_token: context.idToken(account, context.tabApp.clientId, grant.nonce) }
      : {}),
    ...(form.get('client_info') === '1' ? { client_info: clientInfo(account) } : {}),
  };
}

function codeRefusal(problem: 'unknown' | 'redeemed' | 'expired'): EntraError {
  switch (problem) {
    case 'redeemed':
      return new EntraError(
        400,
        'invalid_grant',
        54005,
        'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
      );
    case 'expired':
      return new EntraError(
        400,
        'invalid_grant',
        70008,
        'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
      );
    case 'unknown':
      return new EntraError(
        400,
        'invalid_grant',
        9002313,
        'Invalid request. Request is malformed or invalid.',
      );
  }
}
