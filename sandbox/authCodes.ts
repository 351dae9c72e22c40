import { createHash, randomBytes } from 'node:crypto';
import type { SignInAccount } from '../demo/directory';
import type { GrantedScopes } from './scopes';

/** What an authorization code stands for: one account's consent, bound to the request that asked for it. */
export interface AuthorizationGrant {
  clientId: string;
  redirectUri: string;
  /** S256 PKCE challenge of the authorize request. */
  codeChallenge: string;
  nonce?: string;
  scopes: GrantedScopes;
  account: SignInAccount;
}

export type Redemption =
  { ok: true; grant: AuthorizationGrant } | { ok: false; problem: 'unknown' | 'redeemed' | 'expired' };

/** Entra ID's codes last about ten minutes ("Authorization codes are short lived"). */
export const DEFAULT_AUTH_CODE_TTL_MS = 10 * 60 * 1000;

/**
 * Authorization codes, each good for one redemption attempt while fresh. A spent code is remembered until it
 * would have expired, so a replay is told apart from a code that never existed (AADSTS54005 vs. malformed).
 */
export class AuthorizationCodes {
  private readonly live = new Map<string, { grant: AuthorizationGrant; expiresAt: number }>();
  private readonly spent = new Map<string, number>();

  constructor(
    private readonly ttlMs: number = DEFAULT_AUTH_CODE_TTL_MS,
    private readonly onIssue?: (code: string) => void,
  ) {}

  issue(grant: AuthorizationGrant): string {
    this.purge();
    // Opaque and long, like Entra ID's (which are encrypted blobs, not guessable ids).
    const code = `1.sandbox.${randomBytes(48).toString('base64url')}`;
    this.live.set(code, { grant, expiresAt: Date.now() + this.ttlMs });
    this.onIssue?.(code);
    return code;
  }

  /**
   * Takes the code: whatever the outcome of this attempt, it cannot be redeemed again. An intercepted code is
   * worth one try, not as many as it takes to guess the PKCE verifier.
   */
  redeem(code: string): Redemption {
    if (this.spent.has(code)) return { ok: false, problem: 'redeemed' };
    const entry = this.live.get(code);
    if (!entry) return { ok: false, problem: 'unknown' };
    this.live.delete(code);
    this.spent.set(code, entry.expiresAt);
    if (entry.expiresAt < Date.now()) return { ok: false, problem: 'expired' };
    return { ok: true, grant: entry.grant };
  }

  // Codes are forgotten one lifetime after they expire, so a late attempt still hears "expired" or "redeemed".
  private purge(): void {
    const forgetBefore = Date.now() - this.ttlMs;
    for (const [code, entry] of this.live) if (entry.expiresAt < forgetBefore) this.live.delete(code);
    for (const [code, expiresAt] of this.spent) if (expiresAt < forgetBefore) this.spent.delete(code);
  }
}

/** RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))). */
export function s256(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}
