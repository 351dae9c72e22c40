export interface UserTokenClaims {
  tid: string;
  oid?: string;
  upn?: string;
  preferred_username?: string;
  /** Directory role templates of the user, as Graph's own tokens carry them. */
  wids?: string[];
}

/**
 * Reads the claims of a delegated Graph token without verifying it: Graph tokens are Graph's to verify
 * (it does, on every call), and the tenant read here is only trusted once Graph has served that tenant.
 */
export function claimsOf(token: string): UserTokenClaims {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('The sign-in did not return a JWT');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<UserTokenClaims>;
  if (typeof claims.tid !== 'string' || !claims.tid) throw new Error('The sign-in token has no tenant');
  return claims as UserTokenClaims;
}
