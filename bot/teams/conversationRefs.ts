import { TurnContext, type Activity } from 'botbuilder';
import type { ConversationRef } from '../notifications/model';
import { conversationKindOf } from './conversationKind';

/**
 * What the bot keeps to write into a conversation later. For a channel it is the channel itself, not the
 * thread the activity came from, so notifications start their own threads.
 */
export function conversationRefOf(activity: Activity, now: Date): ConversationRef {
  const kind = conversationKindOf(activity);
  const reference = TurnContext.getConversationReference(activity);
  const conversationId = channelRoot(activity.conversation.id);
  const tenantId =
    activity.conversation.tenantId ??
    (activity.channelData as { tenant?: { id?: string } })?.tenant?.id ??
    '';
  const channelName = (activity.channelData as { channel?: { name?: string } } | undefined)?.channel?.name;
  return {
    conversationId,
    kind,
    tenantId,
    ...(kind === 'personal' && activity.from?.aadObjectId
      ? { user: { tenantId, objectId: activity.from.aadObjectId } }
      : {}),
    ...(kind === 'channel' && channelName ? { name: channelName } : {}),
    ...(kind !== 'personal' && activity.conversation.name ? { name: activity.conversation.name } : {}),
    reference: {
      ...reference,
      conversation: { ...reference.conversation, id: conversationId },
    } as unknown as Record<string, unknown>,
    updatedAt: now.toISOString(),
  };
}

/** `19:abc@thread.tacv2;messageid=123` is a thread of channel `19:abc@thread.tacv2`. */
export function channelRoot(conversationId: string): string {
  return conversationId.split(';messageid=')[0] ?? conversationId;
}

/** The bot itself was added to, or removed from, this conversation. */
export function botMembershipChange(activity: Activity): 'added' | 'removed' | undefined {
  const bot = activity.recipient?.id;
  if (activity.type === 'installationUpdate') {
    if (activity.action === 'add') return 'added';
    if (activity.action === 'remove') return 'removed';
    return undefined;
  }
  if (activity.type === 'conversationUpdate') {
    if (activity.membersAdded?.some((m) => m.id === bot)) return 'added';
    if (activity.membersRemoved?.some((m) => m.id === bot)) return 'removed';
  }
  return undefined;
}
