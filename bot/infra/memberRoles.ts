import { MANAGER, type Member, type Person } from '../core/model';

/** The member with the Manager role added, or undefined when there is nothing to change. */
export function withManagerRole(
  existing: Member | undefined,
  accountId: string,
  person: Person,
): Member | undefined {
  if (!existing) {
    const { tenantId, objectId, displayName } = person;
    return { accountId, tenantId, objectId, displayName, roles: [MANAGER] };
  }
  if (existing.roles.includes(MANAGER)) return undefined;
  return { ...existing, roles: [...existing.roles, MANAGER] };
}

/** The Managers among these members, in a stable order (by name, then identity). */
export function managersIn(members: Member[]): Member[] {
  return members.filter((m) => m.roles.includes(MANAGER)).sort(byName);
}

/** Members by tenant, then by name: how Partner Center's Users page groups them. */
export function inMemberOrder(members: Member[]): Member[] {
  return [...members].sort((a, b) => a.tenantId.localeCompare(b.tenantId) || byName(a, b));
}

function byName(a: Member, b: Member): number {
  return (
    a.displayName.localeCompare(b.displayName) ||
    a.tenantId.localeCompare(b.tenantId) ||
    a.objectId.localeCompare(b.objectId)
  );
}
