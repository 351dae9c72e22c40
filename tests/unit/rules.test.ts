import { CONSUMER_TENANT_ID } from '../../bot/core/model';
import {
  canAssociateTenants,
  defaultDomainOf,
  isPersonalAccountTenant,
  orderedDomains,
  powersInTenant,
} from '../../bot/core/rules';
import { developer, manager, member } from '../support/coreFixtures';

describe('rules', () => {
  it('R1: only the Manager role may associate tenants, whatever other roles a person has', () => {
    expect(canAssociateTenants(member(manager, ['Manager']))).toBe(true);
    expect(canAssociateTenants(member(manager, ['Developer', 'Manager']))).toBe(true);
    for (const role of ['Developer', 'Business Contributor', 'Finance Contributor', 'Marketer'] as const) {
      expect(canAssociateTenants(member(developer, [role]))).toBe(false);
    }
    expect(canAssociateTenants(member(developer, []))).toBe(false);
    expect(canAssociateTenants(undefined)).toBe(false);
  });

  it('R5: global administrator is needed to create users or change the directory, not to associate or add existing users', () => {
    expect(powersInTenant(false)).toEqual({
      canAssociate: true,
      canAddExistingUsers: true,
      canCreateUsers: false,
      canChangeDirectory: false,
    });
    expect(powersInTenant(true)).toEqual({
      canAssociate: true,
      canAddExistingUsers: true,
      canCreateUsers: true,
      canChangeDirectory: true,
    });
  });

  it('R9: the consumer tenant is a personal account, in any letter case', () => {
    expect(isPersonalAccountTenant(CONSUMER_TENANT_ID)).toBe(true);
    expect(isPersonalAccountTenant(CONSUMER_TENANT_ID.toUpperCase())).toBe(true);
    expect(isPersonalAccountTenant('c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0')).toBe(false);
  });

  it('shows the default domain first, falling back to the initial one', () => {
    const domains = [
      { name: 'z.example', isDefault: false, isInitial: false },
      { name: 'contoso.onmicrosoft.com', isDefault: false, isInitial: true },
      { name: 'contoso.com', isDefault: true, isInitial: false },
    ];
    expect(defaultDomainOf(domains)).toBe('contoso.com');
    expect(orderedDomains(domains)).toEqual(['contoso.com', 'contoso.onmicrosoft.com', 'z.example']);
    expect(defaultDomainOf(domains.map((d) => ({ ...d, isDefault: false })))).toBe('contoso.onmicrosoft.com');
  });
});
