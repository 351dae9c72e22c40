import {
  CONSUMER_TENANT_ID,
  MANAGER,
  type Association,
  type Member,
  type Role,
  type TenantRequest,
  type TenantSummary,
  type VerifiedDomain,
} from './model';

/** R1: any Manager of the account may associate a tenant; no other role may. */
export function canAssociateTenants(member: Member | undefined): boolean {
  return hasRole(member, MANAGER);
}

function hasRole(member: Member | undefined, role: Role): boolean {
  return member?.roles.includes(role) ?? false;
}

/** R9: the consumer tenant stands for personal Microsoft accounts, which have no organization directory. */
export function isPersonalAccountTenant(tenantId: string): boolean {
  return tenantId.toLowerCase() === CONSUMER_TENANT_ID;
}

/** The domain Partner Center shows for a tenant: the default one, else the initial *.onmicrosoft.com one. */
export function defaultDomainOf(domains: readonly VerifiedDomain[]): string {
  return (domains.find((d) => d.isDefault) ?? domains.find((d) => d.isInitial) ?? domains[0])?.name ?? '';
}

/** Default domain first, then the rest alphabetically, so the review card reads the same every time. */
export function orderedDomains(domains: readonly VerifiedDomain[]): string[] {
  const first = defaultDomainOf(domains);
  const rest = domains
    .map((d) => d.name)
    .filter((name) => name !== first)
    .sort((a, b) => a.localeCompare(b));
  return first ? [first, ...rest] : rest;
}

/** The tenant a request is about: the one signed in to (an association), or the one to remove. */
export function tenantOf(request: TenantRequest): TenantSummary {
  if (request.kind === 'remove') return request.tenant;
  const { signIn } = request;
  return {
    tenantId: signIn.tenantId,
    orgDisplayName: signIn.orgDisplayName,
    defaultDomain: defaultDomainOf(signIn.verifiedDomains),
    verifiedDomains: orderedDomains(signIn.verifiedDomains),
  };
}

export function summaryOf(association: Association): TenantSummary {
  const { tenantId, orgDisplayName, defaultDomain, verifiedDomains } = association;
  return { tenantId, orgDisplayName, defaultDomain, verifiedDomains };
}

/** Tenant ids are GUIDs, which Teams and Entra ID do not always write in the same case. */
export function sameTenant(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export interface TenantPowers {
  canAssociate: boolean;
  canAddExistingUsers: boolean;
  canCreateUsers: boolean;
  canChangeDirectory: boolean;
}

/**
 * R5: global administrator permission is not needed to associate a tenant or to add users who already
 * exist in it; it is needed to create users or make other changes to the directory.
 */
export function powersInTenant(isGlobalAdmin: boolean): TenantPowers {
  return {
    canAssociate: true,
    canAddExistingUsers: true,
    canCreateUsers: isGlobalAdmin,
    canChangeDirectory: isGlobalAdmin,
  };
}
