import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { CONSUMER_TENANT_ID, type DemoDirectory, findTenant, type SignInAccount } from '../demo/directory';
import { type Handler, HttpError, readForm, type RunningServer, sendJson, serve } from './http';
import { type Claims, nowSeconds, SigningKey } from './keys';

/** The Entra ID tenant of the Bot Framework itself (`botframework.com`), the bot's token authority. */
/** Every member user holds the built-in User role; Graph tokens list it in `wids`. */
const MEMBER_ROLE_TEMPLATE_ID = 'b79fbf4d-3ef9-4689-8143-76b194e85509';
const GLOBAL_ADMIN_ROLE_TEMPLATE_ID = '62e90394-69f5-4237-9190-012177145e10';

export const BOTFRAMEWORK_TENANT_ID = 'd6d49420-f39b-4df7-a1dc-d59a935871db';
/** Audience of tokens the bot presents to the connector and the token service. */
export const BOT_FRAMEWORK_AUDIENCE = 'https://api.botframework.com';
export const GRAPH_AUDIENCES = ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'];
const USER_SCOPES = 'User.Read openid profile email';
const TOKEN_LIFETIME_SECONDS = 3600;

export interface LoginEmulator {
  /** `https://localhost:PORT`; msal-node needs `localhost:PORT` in knownAuthorities. */
  url: string;
  issuerFor(tenantId: string): string;
  /** A delegated token as Entra ID issues it after an interactive sign-in (used by the token service). */
  mintUserToken(account: SignInAccount, audience?: string): { token: string; expiresAt: Date };
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
}

/** Entra ID's OpenID Connect endpoints, enough for msal-node's client-credentials flow. */
export async function startLogin(options: LoginOptions): Promise<LoginEmulator> {
  const key = SigningKey.generate();
  let origin = '';
  const issuerFor = (tenantId: string): string => `${origin}/${tenantId}/v2.0`;

  const handler: Handler = async (req, res, url) => {
    const match =
      /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys|oauth2\/v2\.0\/token)$/.exec(
        url.pathname,
      );
    if (!match)
      throw new HttpError(404, aadError('invalid_request', 90002, 'Endpoint not found in the sandbox.'));
    const [, tenantSegment, endpoint] = match;
    const tenantId = resolveTenant(options.directory, decodeURIComponent(tenantSegment));
    if (!tenantId) {
      throw new HttpError(
        400,
        aadError(
          'invalid_tenant',
          90002,
          `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID.`,
        ),
      );
    }
    if (endpoint.endsWith('openid-configuration')) {
      if (req.method !== 'GET') throw new HttpError(405, aadError('invalid_request', 900561, 'Use GET.'));
      return sendJson(res, 200, openIdConfiguration(origin, tenantSegment, tenantId));
    }
    if (endpoint.endsWith('keys')) {
      if (req.method !== 'GET') throw new HttpError(405, aadError('invalid_request', 900561, 'Use GET.'));
      return sendJson(res, 200, { keys: [key.jwk()] });
    }
    if (req.method !== 'POST') throw new HttpError(405, aadError('invalid_request', 900561, 'Use POST.'));
    const form = await readForm(req, 64 * 1024);
    return sendJson(res, 200, issueClientCredentialsToken(req, form, tenantId), {
      'Cache-Control': 'no-store',
    });
  };

  const issueClientCredentialsToken = (
    req: http.IncomingMessage,
    form: URLSearchParams,
    tenantId: string,
  ): object => {
    const grantType = form.get('grant_type');
    if (grantType !== 'client_credentials') {
      throw new HttpError(
        400,
        aadError(
          'unsupported_grant_type',
          70003,
          `The sandbox supports only client_credentials, not '${grantType}'.`,
        ),
      );
    }
    if (tenantId === '{tenantid}') {
      throw new HttpError(
        400,
        aadError(
          'invalid_request',
          50059,
          'No tenant-identifying information found in either the request or implied by any provided credentials.',
        ),
      );
    }
    const client = clientCredentials(req, form);
    if (!client.id)
      throw new HttpError(
        400,
        aadError('invalid_request', 900144, "The request body must contain 'client_id'."),
      );
    if (options.botAppId) {
      if (client.id !== options.botAppId) {
        throw new HttpError(
          400,
          aadError(
            'unauthorized_client',
            700016,
            `Application with identifier '${client.id}' was not found in the directory.`,
          ),
        );
      }
      if (!options.botAppPassword || !safeEqual(client.secret ?? '', options.botAppPassword)) {
        throw new HttpError(
          401,
          aadError(
            'invalid_client',
            7000215,
            'Invalid client secret provided. Ensure the secret being sent is the client secret value.',
          ),
        );
      }
    }
    const scope = form.get('scope') ?? '';
    const resource = scope.split(' ').find((s) => s.endsWith('/.default'));
    if (!resource) {
      throw new HttpError(
        400,
        aadError(
          'invalid_scope',
          1002012,
          `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        ),
      );
    }
    const now = nowSeconds();
    const appObjectId = uuidFrom(`app:${client.id}`);
    const accessToken = key.sign({
      aud: resource.slice(0, -'/.default'.length),
      iss: issuerFor(tenantId),
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
      expires_in: TOKEN_LIFETIME_SECONDS - 1,
      ext_expires_in: TOKEN_LIFETIME_SECONDS - 1,
      access_token: accessToken,
    };
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
    mintUserToken(account, audience = GRAPH_AUDIENCES[0]) {
      const now = nowSeconds();
      const exp = now + TOKEN_LIFETIME_SECONDS;
      const token = key.sign({
        aud: audience,
        iss: issuerFor(account.tenantId),
        iat: now,
        nbf: now,
        exp,
        tid: account.tenantId,
        oid: account.objectId,
        sub: uuidFrom(`sub:${account.objectId}`),
        upn: account.userPrincipalName,
        preferred_username: account.userPrincipalName,
        unique_name: account.userPrincipalName,
        name: account.displayName,
        scp: USER_SCOPES,
        ver: '1.0',
        uti: randomUUID(),
        // Graph's tokens list the user's directory role templates in `wids`.
        ...(account.personal
          ? { idp: 'live.com', acct: 1 }
          : {
              acct: 0,
              wids: [
                ...(account.globalAdmin ? [GLOBAL_ADMIN_ROLE_TEMPLATE_ID] : []),
                MEMBER_ROLE_TEMPLATE_ID,
              ],
            }),
      });
      return { token, expiresAt: new Date(exp * 1000) };
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

function resolveTenant(directory: DemoDirectory, segment: string): string | undefined {
  const lower = segment.toLowerCase();
  if (lower === 'botframework.com' || lower === BOTFRAMEWORK_TENANT_ID) return BOTFRAMEWORK_TENANT_ID;
  if (lower === 'consumers' || lower === CONSUMER_TENANT_ID) return CONSUMER_TENANT_ID;
  // Multi-tenant authorities: Entra ID publishes the issuer as a template to be filled from `tid`.
  if (lower === 'common' || lower === 'organizations') return '{tenantid}';
  if (lower === directory.teams.tenantId) return lower;
  return findTenant(directory, lower)?.id;
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

/** The error body Entra ID's token endpoint returns (AADSTS codes). */
function aadError(error: string, code: number, description: string): object {
  const traceId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: randomUUID(),
  };
}

function clientCredentials(
  req: http.IncomingMessage,
  form: URLSearchParams,
): { id?: string; secret?: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    return { id: decodeURIComponent(id), secret: decodeURIComponent(secret ?? '') };
  }
  return { id: form.get('client_id') ?? undefined, secret: form.get('client_secret') ?? undefined };
}

function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

/** A stable UUID-shaped id derived from a name, so the same app or user keeps its ids across runs. */
export function uuidFrom(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
