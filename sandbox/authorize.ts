import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { type DemoDirectory, findAccount, type SignInAccount, signInAccounts } from '../demo/directory';
import { type Authority, signInRefusal } from './authorities';
import type { AuthorizationCodes } from './authCodes';
import { type ResponseMode, responseModeOf, sendAuthorizeResponse } from './authorizeResponse';
import { EntraError, missingParameter } from './entraErrors';
import { sendHtml } from './http';
import { type GrantedScopes, resolveScopes } from './scopes';
import { renderAccountChooser, renderError, renderSignInRefusal } from './signInPage';
import { checkRedirectUri, TAB_APP_DISPLAY_NAME, type TabAppRegistration } from './tabApp';

/** An authorize request that passed every check and waits for the person to pick an account. */
interface PendingSignIn {
  id: string;
  tenantSegment: string;
  authority: Authority;
  redirectUri: string;
  mode: ResponseMode;
  state?: string;
  nonce?: string;
  codeChallenge: string;
  scopes: GrantedScopes;
  clientInfo: boolean;
  /** The authorize URL's path and query, so "Sign in with a different account" starts over. */
  retryHref: string;
  expiresAt: number;
}

// Entra ID's sign-in pages time out after a while too; an hour is generous for a person choosing an account.
const PENDING_TTL_MS = 60 * 60 * 1000;
const TROUBLE = 'Sorry, but we’re having trouble signing you in.';

/**
 * `GET /{tenant}/oauth2/v2.0/authorize` and its account picker, for the tab app's authorization-code flow.
 * Until the redirect URI is known to be the app's, every problem is shown on Entra ID's own page; after that,
 * protocol errors go back to the app as `error` and `error_description`, and sign-in refusals stay on the page.
 */
export class AuthorizationEndpoint {
  private readonly pending = new Map<string, PendingSignIn>();

  constructor(
    private readonly options: {
      directory: DemoDirectory;
      tabApp: Required<TabAppRegistration>;
      codes: AuthorizationCodes;
    },
  ) {}

  authorize(res: http.ServerResponse, url: URL, tenantSegment: string, authority: Authority): void {
    const q = url.searchParams;
    let redirectUri: string;
    try {
      this.checkClient(q.get('client_id'), tenantSegment);
      redirectUri = checkRedirectUri(q.get('redirect_uri'), this.options.tabApp.clientId);
    } catch (err) {
      if (err instanceof EntraError) return sendHtml(res, 400, renderError(TROUBLE, err.message));
      throw err;
    }
    const mode = responseModeOf(q.get('response_mode'));
    const state = q.get('state') ?? undefined;
    try {
      this.purge();
      const flow: PendingSignIn = {
        id: randomUUID(),
        tenantSegment,
        authority,
        redirectUri,
        mode,
        state,
        nonce: q.get('nonce') ?? undefined,
        codeChallenge: checkPkce(q.get('code_challenge'), q.get('code_challenge_method')),
        scopes: resolveScopes(q.get('scope'), tenantSegment),
        clientInfo: q.get('client_info') === '1',
        retryHref: url.pathname + url.search,
        expiresAt: Date.now() + PENDING_TTL_MS,
      };
      checkResponseType(q.get('response_type'));
      // The sandbox keeps no sign-in session (no cookies), so a silent request always finds nobody signed in.
      if (q.get('prompt') === 'none') {
        throw new EntraError(
          400,
          'login_required',
          50058,
          'A silent sign-in request was sent but no user is signed in.',
        );
      }
      this.pending.set(flow.id, flow);
      const hrefFor = (account: SignInAccount): string =>
        `/${encodeURIComponent(tenantSegment)}/login?flow=${flow.id}&upn=${encodeURIComponent(account.userPrincipalName)}`;
      // select_account, login and consent all end on the picker: with no session there is nothing to skip.
      sendHtml(
        res,
        200,
        renderAccountChooser({
          accounts: signInAccounts(this.options.directory),
          hrefFor,
          purpose: `Sign in to ${TAB_APP_DISPLAY_NAME} with the account of the tenant you want to associate.`,
        }),
      );
    } catch (err) {
      if (!(err instanceof EntraError)) throw err;
      sendAuthorizeResponse(res, {
        redirectUri,
        mode,
        params: { error: err.error, error_description: err.body().error_description, state },
      });
    }
  }

  /** `GET /{tenant}/login?flow&upn`: the person chose an account on the picker. */
  chooseAccount(res: http.ServerResponse, url: URL): void {
    const flow = this.pending.get(url.searchParams.get('flow') ?? '');
    if (!flow || flow.expiresAt < Date.now()) {
      return sendHtml(
        res,
        404,
        renderError(
          'Sign-in expired',
          'This sign-in is unknown or has expired. Go back to the app and sign in again.',
        ),
      );
    }
    const account = findAccount(this.options.directory, url.searchParams.get('upn') ?? '');
    if (!account) {
      return sendHtml(res, 404, renderError('Unknown account', 'That account is not in the demo directory.'));
    }
    const { tabApp } = this.options;
    const refusal = signInRefusal(flow.authority, account, { ...tabApp, displayName: TAB_APP_DISPLAY_NAME });
    if (refusal)
      return sendHtml(
        res,
        200,
        renderSignInRefusal({ account, message: refusal, retryHref: flow.retryHref }),
      );
    // One choice per authorize request: going back and choosing again must not mint a second code.
    this.pending.delete(flow.id);
    const code = this.options.codes.issue({
      clientId: tabApp.clientId,
      redirectUri: flow.redirectUri,
      codeChallenge: flow.codeChallenge,
      nonce: flow.nonce,
      scopes: flow.scopes,
      account,
    });
    sendAuthorizeResponse(res, {
      redirectUri: flow.redirectUri,
      mode: flow.mode,
      params: {
        code,
        // Entra ID returns client_info when asked (msal always asks): who signed in, for the app's account cache.
        client_info: flow.clientInfo ? clientInfo(account) : undefined,
        state: flow.state,
        session_state: randomUUID(),
      },
    });
  }

  private checkClient(clientId: string | null, tenantSegment: string): void {
    if (!clientId) throw missingParameter('client_id');
    if (clientId !== this.options.tabApp.clientId) {
      throw new EntraError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenantSegment}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      );
    }
  }

  private purge(): void {
    const now = Date.now();
    for (const [id, flow] of this.pending) if (flow.expiresAt < now) this.pending.delete(id);
  }
}

/** `{"uid": oid, "utid": tid}`, base64url: msal builds the account's home id (`uid.utid`) from it. */
export function clientInfo(account: SignInAccount): string {
  return Buffer.from(JSON.stringify({ uid: account.objectId, utid: account.tenantId })).toString('base64url');
}

function checkResponseType(responseType: string | null): void {
  if (!responseType) throw missingParameter('response_type');
  if (responseType !== 'code') {
    throw new EntraError(
      400,
      'unsupported_response_type',
      700054,
      `response_type '${responseType}' is not enabled for the application.`,
    );
  }
}

/**
 * PKCE is required, and with S256: the tab uses it, and a confidential client that forgets it should fail here
 * rather than pass locally. (Entra ID itself would let a web app with a secret leave it out, and accept `plain`.)
 */
function checkPkce(challenge: string | null, method: string | null): string {
  if (!challenge) throw missingParameter('code_challenge');
  if (method !== 'S256')
    throw new EntraError(400, 'invalid_request', 50149, 'Invalid Code_Challenge_method parameter.');
  // SHA-256 in unpadded base64url is exactly 43 characters.
  if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
    throw new EntraError(400, 'invalid_request', 501491, 'Invalid size of Code_Challenge parameter.');
  }
  return challenge;
}
