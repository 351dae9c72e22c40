import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { EntraError, missingParameter } from './entraErrors';

/**
 * Who may sign in to the app, as its registration's `signInAudience` says. With personal accounts allowed,
 * a person who signs in at `common` with an outlook.com account comes back with the consumer `tid`, which
 * the product can answer with R9; at `organizations` Entra ID itself turns them away on its sign-in page.
 */
export type SignInAudience = 'AzureADMultipleOrgs' | 'AzureADandPersonalMicrosoftAccount';

/** The tab's Entra app registration: a multi-tenant web app with a client secret. */
export interface TabAppRegistration {
  clientId: string;
  clientSecret: string;
  /** Default `AzureADandPersonalMicrosoftAccount`. */
  signInAudience?: SignInAudience;
}

/**
 * Local mode's tab app: the client id `npm run package` puts in the local manifest (AAD_APP_CLIENT_ID in
 * scripts/appPackage/localValues.ts), and a secret that is no secret: it opens nothing but this sandbox.
 */
export const LOCAL_TAB_APP: Readonly<Required<Pick<TabAppRegistration, 'clientId' | 'clientSecret'>>> = {
  clientId: '10ca1000-0000-4000-8000-000000000002',
  clientSecret: 'sandbox~local-tab-app-secret~not-a-real-one',
};

export const TAB_APP_DISPLAY_NAME = 'Tenants tab (sandbox)';

/** The host names Entra ID treats as loopback, where any port and plain http are allowed for a redirect URI. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Checks a redirect URI the way Entra ID checks one registered for localhost: an absolute http(s) URL with no
 * fragment, on a loopback host, any port ("the port component is ignored at runtime" for localhost URIs). The
 * sandbox has no list of registered paths, so any path on loopback is taken as registered. Anything else is an
 * error Entra ID shows on its own page (it never redirects to a URI it has not verified).
 */
export function checkRedirectUri(raw: string | null, clientId: string): string {
  if (!raw) throw missingParameter('redirect_uri');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EntraError(400, 'invalid_request', 90102, "'redirect_uri' value must be a valid absolute Uri.");
  }
  const loopback =
    (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname);
  if (!loopback || url.hash || url.username || url.password) {
    throw new EntraError(
      400,
      'invalid_request',
      50011,
      `The redirect URI '${raw}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
    );
  }
  return raw;
}

/** The client id and secret of a token request: HTTP Basic (client_secret_basic) or the form (client_secret_post). */
export function clientCredentials(
  req: http.IncomingMessage,
  form: URLSearchParams,
): { id?: string; secret?: string; assertion?: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    return { id: decodeURIComponent(id), secret: decodeURIComponent(secret ?? '') };
  }
  return {
    id: form.get('client_id') ?? undefined,
    secret: form.get('client_secret') ?? undefined,
    assertion: form.get('client_assertion') ?? undefined,
  };
}

/** Authenticates the tab app on the token endpoint, with Entra ID's answers when it cannot. */
export function authenticateTabApp(
  app: TabAppRegistration,
  client: { id?: string; secret?: string; assertion?: string },
): void {
  if (!client.id) throw missingParameter('client_id');
  if (client.id !== app.clientId) {
    throw new EntraError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${client.id}' was not found in the directory. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  // The registration holds a secret and no certificate, so no client assertion can verify.
  if (client.assertion) {
    throw new EntraError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
  }
  if (!client.secret) {
    throw new EntraError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  if (!safeEqual(client.secret, app.clientSecret)) throw invalidClientSecret(client.id);
}

export const invalidClientSecret = (clientId: string): EntraError =>
  new EntraError(
    401,
    'invalid_client',
    7000215,
    `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  );

export function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}
