import type { Activity } from 'botbuilder';
import type { Where } from '../core/tenantAssociation';
import type { ConversationKind } from '../notifications/model';

/** Teams says what kind of conversation an activity belongs to; a missing type means a personal chat. */
export function conversationKindOf(activity: Activity): ConversationKind {
  const type = activity.conversation?.conversationType;
  return type === 'groupChat' || type === 'channel' ? type : 'personal';
}

export function isGroup(activity: Activity): boolean {
  return conversationKindOf(activity) !== 'personal';
}

/** Where a request is made: a personal chat is reviewed by the person, elsewhere a Manager approves. */
export function whereOf(activity: Activity): Where {
  return { conversationId: activity.conversation.id, isGroup: isGroup(activity) };
}
