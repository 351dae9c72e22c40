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
