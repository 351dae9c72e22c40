import { randomUUID } from 'node:crypto';
import type { RecordedActivity, Sandbox, TeamsUser } from '../../sandbox';

export interface Conversation {
  id: string;
  conversationType: 'personal' | 'groupChat' | 'channel';
  tenantId: string;
  isGroup?: boolean;
}

const BOT_NAME = 'Tenant association';

export interface Delivery {
  status: number;
  body: unknown;
}

/**
 * Plays Teams' part over the real protocol: activities POSTed to the bot with a channel token minted by
 * the sandbox, replies read back from the sandbox connector the bot answers to.
 */
export class TeamsChannel {
  constructor(
    private readonly sandbox: Sandbox,
    private readonly botUrl: string,
    private readonly appId: string,
  ) {}

  user(displayNameOrUpn: string): TeamsUser {
    const user = this.sandbox.directory.teams.users.find(
      (u) => u.displayName === displayNameOrUpn || u.userPrincipalName === displayNameOrUpn,
    );
    if (!user) throw new Error(`No Teams user ${displayNameOrUpn} in the demo directory`);
    return user;
  }

  personalChat(user: TeamsUser): Conversation {
    return {
      id: `a:personal-${user.objectId}-${randomUUID()}`,
      conversationType: 'personal',
      tenantId: this.tenantId,
    };
  }

  /** A group chat; its roster is everyone in the demo directory unless `members` names some. */
  groupChat(members?: TeamsUser[]): Conversation {
    const conversation: Conversation = {
      id: `19:group-${randomUUID()}@thread.v2`,
      conversationType: 'groupChat',
      tenantId: this.tenantId,
      isGroup: true,
    };
    if (members)
      this.sandbox.connector.setMembers(
        conversation.id,
        members.map((m) => m.id),
      );
    return conversation;
  }

  /** A thread in a team's channel: Teams gives the thread its own conversation id. */
  channelThread(): Conversation & { teamId: string; channelId: string } {
    const channelId = `19:channel-${randomUUID()}@thread.tacv2`;
    return {
      id: `${channelId};messageid=${Date.now()}`,
      conversationType: 'channel',
      tenantId: this.tenantId,
      isGroup: true,
      teamId: `19:team-${randomUUID()}@thread.tacv2`,
      channelId,
    };
  }

  get tenantId(): string {
    return this.sandbox.directory.teams.tenantId;
  }

  activity(
    user: TeamsUser,
    conversation: Conversation,
    fields: Record<string, unknown>,
  ): Record<string, unknown> {
    const { teamId, channelId, ...account } = conversation as Conversation & {
      teamId?: string;
      channelId?: string;
    };
    return {
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: this.sandbox.urls.connector,
      timestamp: new Date().toISOString(),
      from: { id: user.id, name: user.displayName, aadObjectId: user.objectId },
      recipient: { id: `28:${this.appId}`, name: BOT_NAME },
      conversation: account,
      channelData: {
        tenant: { id: this.tenantId },
        ...(teamId ? { team: { id: teamId }, channel: { id: channelId, name: 'Partner Center' } } : {}),
      },
      locale: 'en-US',
      ...fields,
    };
  }

  async post(activity: Record<string, unknown>, authorization?: string): Promise<Delivery> {
    const token =
      authorization ??
      `Bearer ${this.sandbox.mintChannelToken({ appId: this.appId, serviceUrl: this.sandbox.urls.connector })}`;
    const response = await fetch(`${this.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
      body: JSON.stringify(activity),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /**
   * Sends a message and returns what the bot replied during that turn. Outside personal chats it @mentions
   * the bot, as Teams requires.
   */
  async say(user: TeamsUser, conversation: Conversation, text: string): Promise<RecordedActivity[]> {
    const mention = `<at>${BOT_NAME}</at>`;
    const fields =
      conversation.conversationType === 'personal'
        ? { type: 'message', text }
        : {
            type: 'message',
            text: `${mention} ${text}`,
            entities: [
              { type: 'mention', mentioned: { id: `28:${this.appId}`, name: BOT_NAME }, text: mention },
            ],
          };
    return this.collect(conversation, () => this.post(this.activity(user, conversation, fields)));
  }

  /** An Action.Execute on the card `cardActivityId`, as Teams sends it (for a refresh, `trigger: 'automatic'`). */
  async execute(
    user: TeamsUser,
    conversation: Conversation,
    cardActivityId: string,
    verb: string,
    data: Record<string, unknown>,
    trigger: 'manual' | 'automatic' = 'manual',
  ): Promise<Delivery> {
    const value = { action: { type: 'Action.Execute', verb, data }, trigger };
    return this.invoke(user, conversation, 'adaptiveCard/action', value, cardActivityId);
  }

  async invoke(
    user: TeamsUser,
    conversation: Conversation,
    name: string,
    value: unknown,
    replyToId?: string,
  ): Promise<Delivery> {
    return this.post(
      this.activity(user, conversation, { type: 'invoke', name, value, ...(replyToId ? { replyToId } : {}) }),
    );
  }

  /** Presses an Action.Execute button of a card the bot sent, as Teams would. */
  async press(
    user: TeamsUser,
    conversation: Conversation,
    card: RecordedActivity,
    verb: string,
  ): Promise<Delivery> {
    const action = cardActions(card).find((a) => a.verb === verb);
    if (!action) throw new Error(`The card has no "${verb}" button: ${JSON.stringify(cardActions(card))}`);
    return this.invoke(user, conversation, 'adaptiveCard/action', { action, trigger: 'manual' }, card.id);
  }

  /**
   * Fills in a card and presses one of its Action.Execute buttons wherever it is (in the body, in a
   * ShowCard), as Teams does: the card's inputs (their values as shown, then `inputs` typed over them)
   * are merged into the button's data. `which` picks among buttons of the same verb by their data.
   * Returns the delivery and, when the bot answered with a card, that card in place of the pressed one.
   */
  async submit(
    user: TeamsUser,
    conversation: Conversation,
    card: RecordedActivity,
    verb: string,
    options: { inputs?: Record<string, string>; which?: Record<string, string> } = {},
  ): Promise<{ delivery: Delivery; card?: RecordedActivity; message?: string }> {
    const content = cardOf(card);
    if (!content) throw new Error('Not a card');
    const action = allExecuteActions(content).find(
      (a) =>
        a.verb === verb &&
        Object.entries(options.which ?? {}).every(([key, value]) => a.data?.[key] === value),
    );
    if (!action)
      throw new Error(`The card has no "${verb}" button: ${JSON.stringify(allExecuteActions(content))}`);
    const data = { ...inputValues(content), ...options.inputs, ...action.data };
    const delivery = await this.invoke(
      user,
      conversation,
      'adaptiveCard/action',
      { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      card.id,
    );
    const body = delivery.body as { type?: string; value?: unknown } | undefined;
    if (body?.type === 'application/vnd.microsoft.card.adaptive') {
      return {
        delivery,
        card: {
          ...card,
          attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: body.value }],
        },
      };
    }
    return { delivery, ...(typeof body?.value === 'string' ? { message: body.value } : {}) };
  }

  replies(conversation: Conversation): RecordedActivity[] {
    return this.sandbox.connector.activities(conversation.id);
  }

  /** The card as the chat shows it now (updates applied). */
  current(activityId: string, conversation: Conversation): RecordedActivity {
    const found = this.replies(conversation).find((a) => a.id === activityId);
    if (!found) throw new Error(`No activity ${activityId} in ${conversation.id}`);
    return found;
  }

  private async collect(
    conversation: Conversation,
    act: () => Promise<Delivery>,
  ): Promise<RecordedActivity[]> {
    const before = new Set(this.replies(conversation).map((a) => a.id));
    const delivery = await act();
    if (delivery.status >= 300)
      throw new Error(`The bot answered ${delivery.status}: ${JSON.stringify(delivery.body)}`);
    return this.replies(conversation).filter((a) => !before.has(a.id));
  }
}

export interface CardAction {
  type: string;
  verb?: string;
  title?: string;
  data?: Record<string, unknown>;
}

export function cardOf(activity: RecordedActivity | undefined): Record<string, unknown> | undefined {
  const attachment = activity?.attachments?.find(
    (a) => a.contentType === 'application/vnd.microsoft.card.adaptive',
  );
  return attachment?.content as Record<string, unknown> | undefined;
}

export function cardActions(activity: RecordedActivity | undefined): CardAction[] {
  return ((cardOf(activity)?.actions as CardAction[] | undefined) ?? []).filter(Boolean);
}

export function oauthLink(activity: RecordedActivity | undefined): string | undefined {
  const attachment = activity?.attachments?.find(
    (a) => a.contentType === 'application/vnd.microsoft.card.oauth',
  );
  const buttons = (attachment?.content as { buttons?: { type: string; value: string }[] } | undefined)
    ?.buttons;
  return buttons?.find((b) => b.type === 'signin')?.value;
}

/** Everything a person would read on a card or message, as one string. */
export function visibleText(activity: RecordedActivity | undefined): string {
  if (!activity) return '';
  const card = cardOf(activity);
  return [activity.text ?? '', card ? JSON.stringify(card) : ''].join(' ');
}

/** Every Action.Execute of a card: its actions, its ActionSets, and those of its ShowCards, however deep. */
export function allExecuteActions(element: unknown): CardAction[] {
  const found: CardAction[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const item = node as Record<string, unknown>;
    if (item.type === 'Action.Execute') found.push(item as unknown as CardAction);
    for (const value of Object.values(item)) visit(value);
  };
  visit(element);
  return found;
}

/** The values a card's inputs show before anyone types: what Teams sends for untouched inputs. */
function inputValues(element: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const item = node as Record<string, unknown>;
    if (typeof item.type === 'string' && item.type.startsWith('Input.') && typeof item.id === 'string') {
      values[item.id] = typeof item.value === 'string' ? item.value : '';
    }
    for (const value of Object.values(item)) visit(value);
  };
  visit(element);
  return values;
}
