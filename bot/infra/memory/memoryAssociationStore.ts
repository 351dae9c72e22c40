import type { Association } from '../../core/model';
import type { AssociationStore } from '../../core/ports';
import { inAssociationOrder } from '../associationOrder';

/** Written only by MemoryRequestStore, in the same step as the request that completes. */
export class MemoryAssociationStore implements AssociationStore {
  private readonly byAccount = new Map<string, Map<string, string>>();

  async get(accountId: string, tenantId: string): Promise<Association | undefined> {
    return this.find(accountId, tenantId);
  }

  async list(accountId: string): Promise<Association[]> {
    const tenants = [...(this.byAccount.get(accountId)?.values() ?? [])];
    return inAssociationOrder(tenants.map((json) => JSON.parse(json) as Association));
  }

  find(accountId: string, tenantId: string): Association | undefined {
    const json = this.byAccount.get(accountId)?.get(tenantId);
    return json === undefined ? undefined : (JSON.parse(json) as Association);
  }

  add(association: Association): void {
    const tenants = this.byAccount.get(association.accountId) ?? new Map<string, string>();
    tenants.set(association.tenantId, JSON.stringify(association));
    this.byAccount.set(association.accountId, tenants);
  }
}
