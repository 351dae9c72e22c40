import type { MemberWrite } from '../core/ports';

/**
 * A member change writes the member, its history entry and its notification under one account (one Redis
 * hash slot); a record for another account here is a bug upstream, caught before anything is written.
 */
export function checkMemberWrite(accountId: string, write: MemberWrite): void {
  const { member, audit, notify } = write;
  for (const [what, id] of [
    ['member', member.accountId],
    ['audit event', audit.accountId],
    ['notification', notify?.accountId ?? accountId],
  ] as const) {
    if (id !== accountId) throw new Error(`${what} for account ${id} written with a member of ${accountId}`);
  }
}
