import { botMembershipChange, channelRoot, conversationRefOf } from '../conversationRefs';
import { replies } from '../../../cards/replies';
import type { Turn } from '../turn';
import { say } from './say';

/**
 * Installed or added: remember where proactive messages can go (the welcome only once, on install).
 * Uninstalled or removed: forget the conversation, and its subscription.
 */
export async function membershipChanged(turn: Turn): Promise<void> {
  const { app, activity } = turn;
  const change = botMembershipChange(activity);
  if (change === 'added') {
    await app.conversations.save(app.account.id, conversationRefOf(activity, app.clock.now()));
    if (activity.type === 'installationUpdate') await say(turn, replies.welcome(app.account));
  } else if (change === 'removed') {
    await app.conversations.remove(app.account.id, channelRoot(activity.conversation.id));
  }
}
