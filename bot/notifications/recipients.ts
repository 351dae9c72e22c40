import type { NotificationEvent } from '../core/model';
import type { MemberStore } from '../core/ports';
import type { ConversationRef } from './model';
import type { ConversationStore } from './ports';

/**
 * Who is told about an event, each conversation once: the requester's personal chat, every Manager's personal
 * chat, and every subscribed conversation, plus the personal chats of the people the event concerns (the users
 * of a removed tenant). A change of someone's roles is theirs alone. The conversation the request was made in
 * is left out: the card there already shows the outcome to everyone in it.
 */
export async function recipientsOf(
  event: NotificationEvent,
  stores: { members: MemberStore; conversations: ConversationStore },
): Promise<ConversationRef[]> {
  const { accountId } = event;
  const concerned = event.concerned ?? [];
  const personalOnly = event.kind === 'rolesChanged';
  const managers = personalOnly ? [] : await stores.members.listManagers(accountId);
  const people = personalOnly ? concerned : [event.requestedBy, ...managers, ...concerned];
  const personal = await Promise.all(people.map((p) => stores.conversations.personalOf(accountId, p)));
  const subscribed = personalOnly ? [] : await stores.conversations.subscriptions(accountId);
  const byId = new Map<string, ConversationRef>();
  for (const ref of [...personal, ...subscribed]) {
    if (ref && ref.conversationId !== event.conversationId && !byId.has(ref.conversationId)) {
      byId.set(ref.conversationId, ref);
    }
  }
  return [...byId.values()];
}
