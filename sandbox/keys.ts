import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** One key of a JSON Web Key Set, as Microsoft publishes them (RSA, `n`/`e`, optional endorsements). */
export interface Jwk {
  kty: 'RSA';
  use: 'sig';
  alg: 'RS256';
  kid: string;
  x5t: string;
  n: string;
  e: string;
  /** Bot Framework only: the channels this key may sign for. botbuilder rejects a token whose channel is not listed. */
  endorsements?: string[];
}

export type Claims = Record<string, unknown>;

/** An RSA signing key with a kid, as a token issuer holds one. */
export class SigningKey {
  private constructor(
    readonly kid: string,
    private readonly privateKey: KeyObject,
    readonly publicKey: KeyObject,
  ) {}

  static generate(): SigningKey {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = publicKey.export({ type: 'spki', format: 'der' });
    // Derived from the key so the kid changes whenever the key does, like Entra's thumbprint kids.
    const kid = createHash('sha256').update(der).digest('base64url').slice(0, 27);
    return new SigningKey(kid, privateKey, publicKey);
  }

  jwk(endorsements?: string[]): Jwk {
    const { n, e } = this.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
    return {
      kty: 'RSA',
      use: 'sig',
      alg: 'RS256',
      kid: this.kid,
      x5t: this.kid,
      n,
      e,
      ...(endorsements ? { endorsements } : {}),
    };
  }

  /**
   * Signs exactly the claims given (callers set iat/nbf/exp themselves so they can forge them). `header` adds to
   * or replaces the JOSE header's fields (`kid` included), for tokens a verifier must refuse.
   */
  sign(claims: Claims, header: Record<string, unknown> = {}): string {
    return jwt.sign(claims, this.privateKey, {
      algorithm: 'RS256',
      keyid: this.kid,
      // jsonwebtoken drops `iat` with noTimestamp and invents one without: keep exactly what the claims say.
      noTimestamp: claims.iat === undefined,
      header: { alg: 'RS256', ...header } as jwt.JwtHeader,
    });
  }

  /** Verifies signature, `exp`/`nbf` and the given audience/issuer; throws jsonwebtoken's errors. */
  verify(token: string, options: { audience?: string | string[]; issuer?: string | string[] } = {}): Claims {
    const audience = typeof options.audience === 'string' ? [options.audience] : options.audience;
    const verified = jwt.verify(token, this.publicKey, {
      algorithms: ['RS256'],
      ...(audience ? { audience: audience as [string, ...string[]] } : {}),
      ...(options.issuer ? { issuer: options.issuer as string | [string, ...string[]] } : {}),
      clockTolerance: 300,
    });
    if (typeof verified === 'string') throw new Error('Token payload is not a JSON object.');
    const header = jwt.decode(token, { complete: true })?.header;
    if (header?.kid !== this.kid) throw new jwt.JsonWebTokenError('Unknown signing key.');
    return verified as Claims;
  }
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** An unsigned `alg: none` token, which every verifier must reject. */
export function unsignedToken(claims: Claims): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
}
