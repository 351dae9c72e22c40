import type { Association, AuditEvent } from '../../core/model';
import type { AssociationStore } from '../../core/ports';
import { inAssociationOrder } from '../associationOrder';

/** Written by MemoryRequestStore, in the same step as the request that completes; and once for R10. */
export class MemoryAssociationStore implements AssociationStore {
  private readonly byAccount = new Map<string, Map<string, string>>();

  constructor(private readonly audit: { record(event: AuditEvent): void }) {}

  async ensure(association: Association, audit: AuditEvent): Promise<boolean> {
    if (this.find(association.accountId, association.tenantId)) return false;
    this.add(association);
    this.audit.record(audit);
    return true;
  }

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

  remove(accountId: string, tenantId: string): void {
    this.byAccount.get(accountId)?.delete(tenantId);
  }

  count(accountId: string): number {
    return this.byAccount.get(accountId)?.size ?? 0;
  }

  add(association: Association): void {
    const tenants = this.byAccount.get(association.accountId) ?? new Map<string, string>();
    tenants.set(association.tenantId, JSON.stringify(association));
    this.byAccount.set(association.accountId, tenants);
  }
}
