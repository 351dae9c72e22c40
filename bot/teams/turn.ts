import { CardFactory, type Activity, type TurnContext } from 'botbuilder';
import type { CardAttachment } from '../../cards';
import type { Account, Person } from '../core/model';
import type { AccountUsers } from '../core/accountUsers';
import type { Attempts } from '../core/attempts';
import type { Clock, UserSearch } from '../core/ports';
import type { TenantAssociation } from '../core/tenantAssociation';
import type { TenantSignIn } from '../core/tenantSignIn';
import type { Log } from '../log';
import type { ConversationStore } from '../notifications/ports';
import type { Subscriptions } from '../notifications/subscriptions';
import type { ChatStateSession } from '../state/chatState';

/** What every handler can reach: the use cases and the few settings the Teams edge needs. */
export interface BotServices {
  account: Account;
  association: TenantAssociation;
  signIn: TenantSignIn;
  users: AccountUsers;
  /** The signed-in tenant's directory, searched with that person's token for one turn. */
  userSearch: UserSearch;
  /** How often one person may start a sign-in or search a directory. */
  attempts: Attempts;
  subscriptions: Subscriptions;
  conversations: ConversationStore;
  clock: Clock;
  /** The Azure Bot OAuth connection used to sign in to the tenant to associate. */
  connectionName: string;
  log: Log;
}

/** One turn as a handler sees it. */
export interface Turn {
  context: TurnContext;
  activity: Activity;
  app: BotServices;
  /** What the bot remembers of this person here, read only if a handler asks. */
  state: ChatStateSession;
}

/** A turn from a person Teams identified (every message and invoke a user sends). */
export interface PersonTurn extends Turn {
  person: Person;
}

/** What an invoke handler answers; the router sends it as the invoke response. */
export interface InvokeResponse {
  status: number;
  body?: unknown;
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

export async function sendInvokeResponse(context: TurnContext, response: InvokeResponse): Promise<void> {
  await context.sendActivity({ type: 'invokeResponse', value: response });
}

/** Universal Actions: the invoke response carries the card that replaces the clicked one. */
export function cardResponse(card: CardAttachment) {
  return { statusCode: 200, type: card.contentType, value: card.content };
}

/** Universal Actions: a message shown only to the person who clicked. */
export function messageResponse(text: string) {
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text };
}
