import { conversationRefOf } from '../conversationRefs';
import { replies } from '../../../cards/replies';
import type { PersonTurn } from '../turn';
import { say, sayRefusal } from './say';

/** `notify here`: this chat or channel hears about the account's tenants (Managers only). */
export async function notifyHere(turn: PersonTurn): Promise<void> {
  const subscribed = await turn.app.subscriptions.subscribe(turn.person, thisConversation(turn));
  if (!subscribed.ok) return sayRefusal(turn, subscribed.refusal);
  await say(turn, replies.notifyOn(turn.app.account));
}

/** `notify off`. */
export async function notifyOff(turn: PersonTurn): Promise<void> {
  const unsubscribed = await turn.app.subscriptions.unsubscribe(turn.person, thisConversation(turn));
  if (!unsubscribed.ok) return sayRefusal(turn, unsubscribed.refusal);
  await say(turn, replies.notifyOff(turn.app.account));
}

/** `notify status`: whether this conversation hears, and (for the account's users) which others do. */
export async function notifyStatus(turn: PersonTurn): Promise<void> {
  const status = await turn.app.subscriptions.status(turn.person, thisConversation(turn).conversationId);
  if (!status.ok) return sayRefusal(turn, status.refusal);
  await say(turn, replies.notifyStatus(status.value.here, status.value.subscribed, turn.app.account));
}

function thisConversation(turn: PersonTurn) {
  return conversationRefOf(turn.activity, turn.app.clock.now());
}
