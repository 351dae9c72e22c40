import type { Association } from '../core/model';

/** Oldest first, as Partner Center lists tenants; tenant id breaks ties so the order never flickers. */
export function inAssociationOrder(associations: Association[]): Association[] {
  return [...associations].sort((a, b) => time(a) - time(b) || byText(a.tenantId, b.tenantId));
}

function time(association: Association): number {
  return Date.parse(association.associatedAt) || 0;
}

function byText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
