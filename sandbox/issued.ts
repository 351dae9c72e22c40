/** What kind of secret the sandbox handed out (or, for a PKCE verifier, was shown). */
export type IssuedSecretKind =
  /** A Bot Framework channel token, the bearer of an activity the channel sends the bot. */
  | 'channelToken'
  /** An app's own token (client credentials): the bot's for the connector and the token service, the tab app's. */
  | 'appToken'
  /** A delegated Graph access token: the token service's after a sign-in, the tab's from its authorization code. */
  | 'userToken'
  | 'idToken'
  /** A Teams SSO token (`authentication.getAuthToken`). */
  | 'ssoToken'
  /** The token service's 6-digit code, shown after a sign-in. */
  | 'magicCode'
  | 'authCode'
  /** A `code_verifier` sent to the token endpoint. */
  | 'pkceVerifier'
  /** An app's registered secret: the bot's password, the tab app's client secret. */
  | 'clientSecret';

export interface IssuedSecret {
  kind: IssuedSecretKind;
  value: string;
}

/** Enough for any test; a long-running local sandbox keeps only the latest. */
const MAX_KEPT = 5000;

/** Every secret the sandbox issued, oldest first: for tests that look for one where it must never be. */
export class IssuedSecrets {
  private readonly kept: IssuedSecret[] = [];

  record(kind: IssuedSecretKind, value: string): string {
    this.kept.push({ kind, value });
    if (this.kept.length > MAX_KEPT) this.kept.splice(0, this.kept.length - MAX_KEPT);
    return value;
  }

  list(): IssuedSecret[] {
    return this.kept.map((secret) => ({ ...secret }));
  }
}
