import type { Activity } from 'botbuilder';
import type { ConversationKind } from '../core/model';

/** Teams says what kind of conversation an activity belongs to; a missing type means a personal chat. */
export function conversationKindOf(activity: Activity): ConversationKind {
  const type = activity.conversation?.conversationType;
  return type === 'groupChat' || type === 'channel' ? type : 'personal';
}

export function isGroup(activity: Activity): boolean {
  return conversationKindOf(activity) !== 'personal';
}
