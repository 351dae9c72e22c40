import type { Account, Association } from '../bot/core/model';
import { localTime, renderer, type CardAttachment } from './render';
import template from './templates/tenant-list.json';

interface TenantListView {
  account: string;
  tenants: { organization: string; defaultDomain: string; tenantId: string; associated: string }[];
}

const render = renderer<TenantListView>(template);

/** The account's associated tenants, as Partner Center's Account settings > Tenants page lists them. */
export function tenantListCard(account: Account, associations: Association[]): CardAttachment {
  return render({
    account: account.displayName,
    tenants: associations.map((a) => ({
      organization: a.orgDisplayName,
      defaultDomain: a.defaultDomain,
      tenantId: a.tenantId,
      associated: `${localTime(a.associatedAt)} by ${a.associatedBy.displayName}`,
    })),
  });
}
