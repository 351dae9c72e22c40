import https from 'node:https';
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import type { Person } from '../core/model';

/** The delegated scope the tab's Entra app exposes, and Teams asks for on the tab's behalf. */
const TAB_SCOPE = 'access_as_user';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SsoTokenOptions {
  /** https://login.microsoftonline.com, or a national cloud's (or the sandbox's) login origin. */
  loginUrl: string;
  /** The tab's Entra app: its client id, and the host its Application ID URI names (api://{host}/{id}). */
  clientId: string;
  /** Read when a token arrives: local mode learns its host only once it listens. */
  host: () => string;
  /** Trusts one more certificate authority for the key set (a private login endpoint). */
  ca?: string;
}

/**
 * Checks the Teams SSO token the tab sends with every call (`authentication.getAuthToken`), as Entra ID
 * issues it: signed by a key of the login's key set, v2.0, issued by the token's own tenant, for this
 * tab's app, current, with the `access_as_user` scope. The person is the token's tid and oid, never
 * anything the page says.
 */
export class SsoTokenVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly options: SsoTokenOptions) {
    this.keys = createRemoteJWKSet(new URL(`${options.loginUrl}/common/discovery/v2.0/keys`), {
      ...(options.ca ? { agent: new https.Agent({ ca: options.ca }) } : {}),
    });
  }

  /** The person the token was issued to, or undefined for anything that is not such a token. */
  async personOf(authorization: string | undefined): Promise<Person | undefined> {
    const token = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(authorization ?? '')?.[1];
    if (!token) return undefined;
    try {
      // The issuer depends on the tenant, which only the token itself names: read it, then verify all.
      const tenantId = decodeJwt(token).tid;
      if (typeof tenantId !== 'string' || !GUID.test(tenantId)) return undefined;
      const { payload } = await jwtVerify(token, this.keys, {
        algorithms: ['RS256'],
        issuer: `${this.options.loginUrl}/${tenantId}/v2.0`,
        audience: [`api://${this.options.host()}/${this.options.clientId}`, this.options.clientId],
        requiredClaims: ['exp', 'nbf', 'oid', 'scp'],
        // Entra ID and Teams clocks drift a little; the SDKs allow five minutes.
        clockTolerance: 300,
      });
      return personFrom(payload, tenantId);
    } catch {
      return undefined;
    }
  }
}

function personFrom(payload: JWTPayload, tenantId: string): Person | undefined {
  const { oid, scp, ver, name } = payload as JWTPayload & Record<string, unknown>;
  if (ver !== '2.0' || typeof oid !== 'string' || !GUID.test(oid)) return undefined;
  if (typeof scp !== 'string' || !scp.split(' ').includes(TAB_SCOPE)) return undefined;
  // As Teams puts them on activities, so the tab and the bot see the same person.
  return {
    tenantId,
    objectId: oid,
    displayName: typeof name === 'string' && name ? name : 'A user',
  };
}
