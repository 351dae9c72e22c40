import { CardFactory, type Activity, type CloudAdapterBase, type TurnContext } from 'botbuilder';
import type { UserTokenClient } from 'botframework-connector';
import type { CardAttachment } from '../../cards';

export function userTokenClientOf(context: TurnContext): UserTokenClient {
  const adapter = context.adapter as CloudAdapterBase;
  const client = context.turnState.get<UserTokenClient>(adapter.UserTokenClientKey);
  if (!client) throw new Error('No user token client on this turn');
  return client;
}

export async function sendCard(context: TurnContext, card: CardAttachment): Promise<string | undefined> {
  const response = await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card.content)] });
  return response?.id;
}

/** Replaces a card the bot sent earlier, so everyone who sees it sees where things stand. */
export async function replaceCard(
  context: TurnContext,
  activityId: string,
  card: CardAttachment,
): Promise<void> {
  const update: Partial<Activity> = {
    id: activityId,
    type: 'message',
    conversation: context.activity.conversation,
    attachments: [CardFactory.adaptiveCard(card.content)],
  };
  await context.updateActivity(update);
}

export async function sendInvokeResponse(
  context: TurnContext,
  status: number,
  body?: unknown,
): Promise<void> {
  await context.sendActivity({ type: 'invokeResponse', value: { status, body } });
}

/** Universal Actions: the invoke response carries the card that replaces the clicked one. */
export function cardResponse(card: CardAttachment) {
  return { statusCode: 200, type: card.contentType, value: card.content };
}

/** Universal Actions: a message shown only to the person who clicked. */
export function messageResponse(text: string) {
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text };
}
