import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Member, Person } from '../core/model';
import { samePerson } from '../core/requestMachine';
import { MAX_REFRESH_USERS } from '../../cards/requestCard';

/**
 * Who gets their own view of an approval card automatically: the requester and the chat's Managers, by
 * their Teams user ids. Teams refreshes at most 60 people; the rest use the card's "Show my options".
 */
export async function refreshAudience(
  context: TurnContext,
  requester: Person,
  managers: Member[],
): Promise<string[]> {
  const ids = [context.activity.from.id];
  let continuationToken: string | undefined;
  do {
    const page = await TeamsInfo.getPagedMembers(context, 100, continuationToken);
    for (const member of page.members) {
      const person = { tenantId: member.tenantId ?? requester.tenantId, objectId: member.aadObjectId ?? '' };
      if (member.id !== context.activity.from.id && managers.some((m) => samePerson(m, person)))
        ids.push(member.id);
      if (ids.length >= MAX_REFRESH_USERS) return ids;
    }
    continuationToken = page.continuationToken || undefined;
  } while (continuationToken);
  return ids;
}
