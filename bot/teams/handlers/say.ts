import type { SubscriptionRefusal } from '../../notifications/subscriptions';
import { replies } from '../../../cards/replies';
import type { Turn } from '../turn';

export async function say(turn: Turn, text: string): Promise<void> {
  await turn.context.sendActivity(text);
}

/** Tells the person why the product said no, in the product's words. */
export async function sayRefusal(turn: Turn, refusal: SubscriptionRefusal): Promise<void> {
  await say(turn, replies.refusal(refusal, turn.app.account));
}
