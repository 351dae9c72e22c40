import type { DemoDirectory, SignInAccount, TeamsUser } from '../demo/directory';
import { type Authority, authorityOf, issuerTenant } from './authorities';
import { AuthorizationCodes } from './authCodes';
import { AuthorizationEndpoint } from './authorize';
import { EntraError, entraErrorBody } from './entraErrors';
import { type Handler, HttpError, readForm, type RunningServer, sendHtml, sendJson, serve } from './http';
import type { IssuedSecretKind, IssuedSecrets } from './issued';
import { type Claims, nowSeconds, SigningKey } from './keys';
import { renderError } from './signInPage';
import type { TabAppRegistration } from './tabApp';
import { issueTokens } from './tokenGrants';
import { graphAccessTokenClaims, idTokenClaims, ssoTokenClaims, withOverrides } from './userTokens';

export { BOTFRAMEWORK_TENANT_ID } from './authorities';
export { uuidFrom } from './userTokens';

/** Audience of tokens the bot presents to the connector and the token service. */
export const BOT_FRAMEWORK_AUDIENCE = 'https://api.botframework.com';
export const GRAPH_AUDIENCES = ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'];

export interface MintSsoTokenOptions {
  /** A Teams user of the demo directory (`teams.users`): the token is theirs, in the Teams tenant. */
  user: TeamsUser;
  /** `aud`: the tab app's Application ID URI, `api://{host}/{clientId}` (or its client id, as v2.0 APIs see it). */
  audience: string;
  /**
   * Claims to add, replace or (given as `undefined`) remove. An overridden `tid` moves `iss` to that tenant too,
   * unless `iss` is overridden as well: a token of another tenant, as Entra ID would issue it.
   */
  overrides?: Record<string, unknown>;
  /** `unknownKey` signs with a key that is not in the key set, for forged-signature tests. Default `sandbox`. */
  signWith?: 'sandbox' | 'unknownKey';
  /** JOSE header fields to add or replace (`kid`, `typ`, …). */
  header?: Record<string, unknown>;
}

export interface LoginEmulator {
  /** `https://localhost:PORT`; msal-node needs `localhost:PORT` in knownAuthorities. */
  url: string;
  issuerFor(tenantId: string): string;
  /** A delegated Graph token as Entra ID issues it after an interactive sign-in (used by the token service). */
  mintUserToken(
    account: SignInAccount,
    audience?: string,
    options?: { clientId?: string },
  ): { token: string; expiresAt: Date };
  /** A Teams SSO token (`authentication.getAuthToken`), signed by the key in the login's key set. */
  mintSsoToken(options: MintSsoTokenOptions): string;
  /** Checks a token the bot got by client credentials; throws when it is not one. */
  verifyBotToken(token: string): Claims;
  /** Checks a delegated user token for the given audiences; throws jsonwebtoken's errors. */
  verifyUserToken(token: string, audiences: string[]): Claims;
  close(): Promise<void>;
}

export interface LoginOptions {
  host: string;
  port?: number;
  tls: { cert: string; key: string };
  directory: DemoDirectory;
  botAppId?: string;
  botAppPassword?: string;
  tabApp: Required<TabAppRegistration>;
  /** How long an authorization code stays redeemable; default 10 minutes, as Entra ID's. */
  authCodeTtlMs?: number;
  /** Where every token, code and PKCE verifier is recorded. */
  issued?: IssuedSecrets;
}

const ENDPOINTS =
  /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys|oauth2\/v2\.0\/token|oauth2\/v2\.0\/authorize|login)$/;

/** Entra ID's OpenID Connect endpoints: discovery, keys, authorize with its account picker, token. */
export async function startLogin(options: LoginOptions): Promise<LoginEmulator> {
  const { directory, tabApp } = options;
  const record = (kind: IssuedSecretKind, value: string): string =>
    options.issued ? options.issued.record(kind, value) : value;
  const key = SigningKey.generate();
  let strangerKey: SigningKey | undefined;
  let origin = '';
  const issuerFor = (tenantId: string): string => `${origin}/${tenantId}/v2.0`;
  // Entra ID's tokens name their key twice in the header, as `kid` and as the thumbprint `x5t`.
  const sign = (claims: Claims, signer = key, header: Record<string, unknown> = {}): string =>
    signer.sign(claims, { x5t: signer.kid, ...header });

  const mintUserToken: LoginEmulator['mintUserToken'] = (
    account,
    audience = GRAPH_AUDIENCES[0],
    mintOptions,
  ) => {
    const claims = graphAccessTokenClaims(account, {
      issuer: issuerFor(account.tenantId),
      audience,
      now: nowSeconds(),
      clientId: mintOptions?.clientId,
    });
    return {
      token: record('userToken', sign(claims)),
      expiresAt: new Date(((claims.exp as number) ?? 0) * 1000),
    };
  };

  const codes = new AuthorizationCodes(options.authCodeTtlMs, (code) => record('authCode', code));
  const authorization = new AuthorizationEndpoint({ directory, tabApp, codes });
  const grants = {
    tabApp,
    botAppId: options.botAppId,
    botAppPassword: options.botAppPassword,
    codes,
    issuerFor,
    // The token endpoint signs only client credentials' tokens itself.
    sign: (claims: Claims) => record('appToken', sign(claims)),
    graphAccessToken: (account: SignInAccount, clientId: string) =>
      mintUserToken(account, undefined, { clientId }).token,
    idToken: (account: SignInAccount, clientId: string, nonce: string | undefined) =>
      record(
        'idToken',
        sign(
          idTokenClaims(account, { issuer: issuerFor(account.tenantId), clientId, nonce, now: nowSeconds() }),
        ),
      ),
  };

  const handler: Handler = async (req, res, url) => {
    const match = ENDPOINTS.exec(url.pathname);
    if (!match)
      throw new HttpError(
        404,
        entraErrorBody('invalid_request', 90002, 'Endpoint not found in the sandbox.'),
      );
    const [, rawSegment, endpoint] = match;
    const tenantSegment = decodeURIComponent(rawSegment);
    const authority = authorityOf(directory, tenantSegment);
    const interactive = endpoint === 'oauth2/v2.0/authorize' || endpoint === 'login';
    if (!authority) {
      const text = `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`;
      if (interactive)
        return sendHtml(
          res,
          400,
          renderError('Sorry, but we’re having trouble signing you in.', `AADSTS90002: ${text}`),
        );
      throw new HttpError(400, entraErrorBody('invalid_tenant', 90002, text));
    }
    const method = interactive || endpoint !== 'oauth2/v2.0/token' ? 'GET' : 'POST';
    if (req.method !== method) {
      throw new HttpError(
        405,
        entraErrorBody('invalid_request', 900561, `The endpoint only accepts ${method} requests.`),
      );
    }
    switch (endpoint) {
      case 'v2.0/.well-known/openid-configuration':
        return sendJson(res, 200, openIdConfiguration(origin, tenantSegment, issuerTenant(authority)));
      // One key set for every authority (`common`, `organizations`, any tenant), as Entra ID publishes one.
      case 'discovery/v2.0/keys':
        return sendJson(res, 200, { keys: [key.jwk()] });
      case 'oauth2/v2.0/authorize':
        return authorization.authorize(res, url, tenantSegment, authority);
      case 'login':
        return authorization.chooseAccount(res, url);
      default:
        return sendJson(res, 200, await token(req, authority), { 'Cache-Control': 'no-store' });
    }
  };

  const token = async (req: Parameters<Handler>[0], authority: Authority): Promise<object> => {
    const form = await readForm(req, 64 * 1024);
    const verifier = form.get('code_verifier');
    if (verifier) record('pkceVerifier', verifier);
    try {
      return issueTokens(grants, req, form, authority, issuerTenant(authority));
    } catch (err) {
      if (err instanceof EntraError)
        throw new HttpError(err.status, err.body(), { 'Cache-Control': 'no-store' });
      throw err;
    }
  };

  const running: RunningServer = await serve(handler, {
    host: options.host,
    port: options.port,
    tls: options.tls,
  });
  origin = `https://localhost:${running.port}`;

  return {
    url: origin,
    issuerFor,
    mintUserToken,
    mintSsoToken({ user, audience, overrides = {}, signWith = 'sandbox', header }) {
      const tenantId = directory.teams.tenantId;
      const claims = ssoTokenClaims(user, {
        issuer: issuerFor(tenantId),
        tenantId,
        audience,
        now: nowSeconds(),
      });
      const otherTenant = typeof overrides.tid === 'string' && !('iss' in overrides);
      const changes = otherTenant ? { iss: issuerFor(overrides.tid as string), ...overrides } : overrides;
      const signer = signWith === 'unknownKey' ? (strangerKey ??= SigningKey.generate()) : key;
      return record('ssoToken', sign(withOverrides(claims, changes), signer, header));
    },
    verifyBotToken(token) {
      const claims = key.verify(token, { audience: BOT_FRAMEWORK_AUDIENCE });
      const appId = (claims.azp ?? claims.appid) as string | undefined;
      if (options.botAppId && appId !== options.botAppId) throw new Error(`Token is for app '${appId}'.`);
      if (typeof claims.iss !== 'string' || !claims.iss.startsWith(`${origin}/`))
        throw new Error('Foreign issuer.');
      return claims;
    },
    verifyUserToken(token, audiences) {
      return key.verify(token, { audience: audiences });
    },
    close: running.close,
  };
}

function openIdConfiguration(origin: string, tenantSegment: string, tenantId: string): object {
  const base = `${origin}/${tenantSegment}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${origin}/${tenantId}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'oid',
    ],
    tenant_region_scope: 'WW',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}
