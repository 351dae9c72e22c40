import { Client, GraphError, PageIterator, type PageCollection } from '@microsoft/microsoft-graph-client';
import { DependencyUnavailableError } from '../../core/errors';
import type { TenantSignIn, VerifiedDomain } from '../../core/model';
import type { TenantDirectory, TenantLookup } from '../../core/ports';
import { isPersonalAccountTenant } from '../../core/rules';
import { claimsOf, type UserTokenClaims } from './tokenClaims';

/** Role template id of Global Administrator: the same in every tenant. */
export const GLOBAL_ADMIN_ROLE_TEMPLATE_ID = '62e90394-69f5-4237-9190-012177145e10';

export interface GraphTenantDirectoryOptions {
  /** https://graph.microsoft.com, or a national cloud's or private endpoint's origin. */
  baseUrl: string;
  /** Passed to every fetch, e.g. a dispatcher trusting a private CA. */
  fetchOptions?: RequestInit & { dispatcher?: unknown };
}

interface Organization {
  id: string;
  displayName: string;
  verifiedDomains: { name: string; isDefault: boolean; isInitial: boolean }[];
}

interface DirectoryObject {
  '@odata.type'?: string;
  roleTemplateId?: string | null;
}

interface Me {
  id: string;
  displayName: string;
  userPrincipalName: string;
}

/**
 * Reads the signed-in tenant with the user's own delegated token (User.Read is enough). The Graph client
 * retries 429, 503 and 504 with backoff, honouring Retry-After.
 */
export class GraphTenantDirectory implements TenantDirectory {
  constructor(private readonly options: GraphTenantDirectoryOptions) {}

  async describe(userToken: string): Promise<TenantLookup> {
    const claims = claimsOf(userToken);
    // R9: a personal Microsoft account has no organization for /organization to return.
    if (isPersonalAccountTenant(claims.tid)) {
      return {
        kind: 'personalAccount',
        userPrincipalName: claims.preferred_username ?? claims.upn ?? 'your account',
      };
    }
    const client = this.clientFor(userToken);
    try {
      const [organizations, me, isGlobalAdmin] = await Promise.all([
        client.api('/organization').select('id,displayName,verifiedDomains').get() as Promise<{
          value: Organization[];
        }>,
        client.api('/me').select('id,displayName,userPrincipalName').get() as Promise<Me>,
        this.isGlobalAdmin(client, claims),
      ]);
      const organization = organizations.value[0];
      // R2: the tenant is the one Graph served this token for; it must agree with the token's own claim.
      if (!organization || organization.id.toLowerCase() !== claims.tid.toLowerCase()) {
        throw new Error('The directory answered for another tenant than the sign-in');
      }
      return { kind: 'tenant', signIn: toSignIn(organization, me, isGlobalAdmin) };
    } catch (error) {
      throw new DependencyUnavailableError('directory', { cause: error });
    }
  }

  /**
   * Pages through memberOf: the Global Administrator role may be anywhere in a long list of groups. With
   * User.Read alone Graph withholds role details (only `@odata.type` and `id`); then the role templates Graph
   * itself put in the token's `wids` claim decide.
   */
  private async isGlobalAdmin(client: Client, claims: UserTokenClaims): Promise<boolean> {
    let found = false;
    let withheld = false;
    const first = (await client
      .api('/me/memberOf')
      .select('id,roleTemplateId')
      .top(100)
      .get()) as PageCollection;
    const pages = new PageIterator(client, first, (entry: DirectoryObject) => {
      if (entry['@odata.type'] === '#microsoft.graph.directoryRole' && !entry.roleTemplateId) withheld = true;
      found = entry.roleTemplateId === GLOBAL_ADMIN_ROLE_TEMPLATE_ID;
      return !found;
    });
    await pages.iterate();
    return found || (withheld && (claims.wids ?? []).includes(GLOBAL_ADMIN_ROLE_TEMPLATE_ID));
  }

  private clientFor(userToken: string): Client {
    const url = new URL(this.options.baseUrl);
    return Client.initWithMiddleware({
      baseUrl: url.origin,
      customHosts: new Set([url.hostname]),
      authProvider: { getAccessToken: async () => userToken },
      ...(this.options.fetchOptions ? { fetchOptions: this.options.fetchOptions } : {}),
    });
  }
}

function toSignIn(organization: Organization, me: Me, isGlobalAdmin: boolean): TenantSignIn {
  const verifiedDomains: VerifiedDomain[] = organization.verifiedDomains.map(
    ({ name, isDefault, isInitial }) => ({
      name,
      isDefault: Boolean(isDefault),
      isInitial: Boolean(isInitial),
    }),
  );
  return {
    tenantId: organization.id.toLowerCase(),
    orgDisplayName: organization.displayName,
    verifiedDomains,
    user: {
      objectId: me.id,
      displayName: me.displayName,
      userPrincipalName: me.userPrincipalName,
      isGlobalAdmin,
    },
  };
}

export { GraphError };
