import { randomBytes, createHash } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { ConfidentialClientApplication, ResponseMode } from '@azure/msal-node';
import { DependencyUnavailableError } from '../core/errors';
import type { Person } from '../core/model';
import type { CodeRedeemer } from '../core/tenantSignIn';
import type { SignInSession } from './signInSessions';

/** What the tab's pop-up signs in for: reading the tenant's organization, domains and the person's roles. */
const SCOPES = ['User.Read'];
/**
 * Managing a tenant's users also searches its directory (Graph `/users`), which takes User.ReadBasic.All: a
 * delegated permission any user may consent to, reading only names and e-mail addresses.
 */
const MANAGE_SCOPES = ['User.Read', 'User.ReadBasic.All'];

export interface EntraSignInOptions {
  /** https://login.microsoftonline.com, or a national cloud's (or the sandbox's) login origin. */
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  /** Where Entra ID posts its answer: the tab's callback on this deployment's public origin. */
  redirectUri: () => string;
  /** One more certificate authority to trust (a private login endpoint). */
  ca?: string;
}

/** Entra ID's answer, as posted to the callback (response_mode=form_post keeps the code out of URLs). */
export interface EntraAnswer {
  state?: string;
  code?: string;
  error?: string;
  errorDescription?: string;
  clientInfo?: string;
}

/**
 * The authorization-code flow with PKCE of the tab's sign-in pop-up ("Associate another tenant", and signing in
 * to a tenant to manage its users), with msal-node, against `organizations`: any work or school account, of any
 * tenant. Every sign-in asks which account (prompt=select_account), so a previous one is never silently reused (R7).
 */
export class EntraSignIn {
  private readonly msal: ConfidentialClientApplication;

  constructor(private readonly options: EntraSignInOptions) {
    const login = new URL(options.loginUrl);
    this.msal = new ConfidentialClientApplication({
      auth: {
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        authority: `${login.origin}/organizations`,
        // Outside Microsoft's public cloud, msal-node would first ask login.microsoftonline.com about it.
        ...(login.hostname === 'login.microsoftonline.com' ? {} : { knownAuthorities: [login.host] }),
      },
      system: options.ca ? { customAgentOptions: { ca: [...rootCertificates, options.ca] } } : {},
    });
  }

  /** A new session for this person: its state, PKCE pair and nonce. */
  newSession(person: Person, now: Date): SignInSession {
    const codeVerifier = randomBytes(32).toString('base64url');
    return {
      id: randomBytes(16).toString('base64url'),
      person,
      codeVerifier,
      codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      nonce: randomBytes(16).toString('base64url'),
      startedAt: now.toISOString(),
    };
  }

  /** Where the pop-up goes: Entra ID's account picker. */
  async authorizeUrl(session: SignInSession): Promise<string> {
    try {
      return await this.msal.getAuthCodeUrl({
        scopes: scopesOf(session),
        redirectUri: this.options.redirectUri(),
        responseMode: ResponseMode.FORM_POST,
        state: session.id,
        nonce: session.nonce,
        codeChallenge: session.codeChallenge,
        codeChallengeMethod: 'S256',
        prompt: 'select_account',
      });
    } catch (error) {
      throw new DependencyUnavailableError('signIn', { cause: error });
    }
  }

  /**
   * Redeems the code of this session's answer: msal-node checks the state, the PKCE verifier goes to
   * Entra ID (which refuses any other, and a code used before), and the id token must carry the nonce.
   * The token goes to the caller only: msal-node's own cache is emptied of the sign-in at once.
   */
  redeemerFor(session: SignInSession, answer: EntraAnswer): CodeRedeemer {
    return {
      redeem: async (code) => {
        try {
          const result = await this.msal.acquireTokenByCode(
            {
              code,
              scopes: scopesOf(session),
              redirectUri: this.options.redirectUri(),
              codeVerifier: session.codeVerifier,
              state: session.id,
            },
            { code, state: answer.state, nonce: session.nonce, client_info: answer.clientInfo },
          );
          return result?.accessToken || undefined;
        } catch (error) {
          // An answer Entra ID refused (invalid_grant) or that does not match the session is no sign-in.
          if (isRefusal(error)) return undefined;
          throw new DependencyUnavailableError('signIn', { cause: error });
        } finally {
          await this.forgetSignIns();
        }
      },
    };
  }

  /** Whether msal-node still holds anything of a sign-in (an account, its tokens): it never should. */
  async remembersAnyone(): Promise<boolean> {
    return (await this.msal.getTokenCache().getAllAccounts()).length > 0;
  }

  /**
   * msal-node keeps every token it gets in an in-memory cache for the life of the process, shared by all
   * requests: the user's tokens would outlive their request, and the cache would grow with every sign-in.
   */
  private async forgetSignIns(): Promise<void> {
    const cache = this.msal.getTokenCache();
    for (const account of await cache.getAllAccounts()) await cache.removeAccount(account);
  }
}

function scopesOf(session: SignInSession): string[] {
  return session.manage ? MANAGE_SCOPES : SCOPES;
}

/** msal-node's errors for a code Entra ID would not redeem, or an answer that is not this session's. */
function isRefusal(error: unknown): boolean {
  const { errorCode } = (error ?? {}) as { errorCode?: string };
  // invalid_client: Entra ID's answer (AADSTS500112) when the redirect URI is not the one of the authorize request.
  return [
    'invalid_grant',
    'invalid_request',
    'invalid_client',
    'state_mismatch',
    'nonce_mismatch',
    'invalid_state',
  ].includes(errorCode ?? '');
}
