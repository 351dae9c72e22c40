import { INVOKE_RESPONSE_KEY, TurnContext } from 'botbuilder';
import { requestCard, tenantListCard } from '../../cards';
import { DependencyUnavailableError, type Dependency } from '../core/errors';
import type { Person } from '../core/model';
import type { Clock, ConversationStore } from '../core/ports';
import type { TenantAssociation } from '../core/tenantAssociation';
import type { CardActions } from './cardActions';
import type { ChatMemoryStore } from './chatMemory';
import { parseCommand, type Command } from './commands';
import { isGroup } from './conversationKind';
import { botMembershipChange, channelRoot, conversationRefOf } from './conversationRefs';
import type { Subscriptions } from './subscriptions';
import { personFrom } from './identity';
import { replies } from './replies';
import type { TenantSignIn } from './tenantSignIn';
import { messageResponse, replaceCard, sendCard, sendInvokeResponse } from './turn';

export interface BotDeps {
  service: TenantAssociation;
  conversations: ConversationStore;
  subscriptions: Subscriptions;
  clock: Clock;
  signIn: TenantSignIn;
  cardActions: CardActions;
  memory: ChatMemoryStore;
  /** Recognises the storage's own "unreachable" errors, which are not ours to wrap. */
  isStorageFault: (error: unknown) => boolean;
  log: (message: string, error?: unknown) => void;
}

type Handler = (context: TurnContext, person: Person) => Promise<void>;

/** What people are told when a service the bot depends on does not answer: nothing was changed. */
const UNAVAILABLE: Record<Dependency, string> = {
  directory: replies.directoryUnavailable,
  signIn: replies.signInServiceUnavailable,
  storage: replies.storageUnavailable,
};

/**
 * The single routing point: protocol names map to small handlers, once, here. Everything the bot
 * remembers about a person in a conversation is read once at the start of a turn and written once at the end.
 */
export class TenantAssociationBot {
  private readonly invokes: Record<string, Handler>;
  private readonly commands: {
    [K in Command['name']]: (c: TurnContext, p: Person, cmd: Command) => Promise<void>;
  };

  constructor(private readonly deps: BotDeps) {
    this.invokes = {
      'adaptiveCard/action': async (context, person) =>
        sendInvokeResponse(context, 200, await deps.cardActions.handle(context, person)),
      'signin/verifyState': async (context, person) => {
        await sendInvokeResponse(context, 200);
        const state = (context.activity.value as { state?: unknown } | undefined)?.state;
        if (typeof state === 'string' && state) await deps.signIn.complete(context, person, state);
      },
      // No token-exchange URL is configured (SSO would sign in to the Teams tenant, not the one to
      // associate), so Teams must fall back to the sign-in button: 412 says so.
      'signin/tokenExchange': async (context) =>
        sendInvokeResponse(context, 412, { failureDetail: 'sso disabled' }),
    };
    this.commands = {
      associate: (context) => this.associate(context),
      magicCode: (context, person, cmd) =>
        deps.signIn.complete(context, person, cmd.name === 'magicCode' ? cmd.code : ''),
      tenants: (context, person) => this.tenants(context, person),
      cancel: (context, person) => this.cancel(context, person),
      signOut: async (context) => {
        await deps.signIn.signOut(context);
        await context.sendActivity(replies.signedOut);
      },
      help: async (context) => void (await context.sendActivity(replies.help(deps.service.account))),
      notify: (context, person, cmd) =>
        deps.subscriptions.handle(context, person, cmd.name === 'notify' ? cmd.setting : 'status'),
      unknown: async (context, _person, cmd) =>
        void (await context.sendActivity(
          replies.unknown(cmd.name === 'unknown' ? cmd.text : '', deps.service.account),
        )),
    };
  }

  async run(context: TurnContext): Promise<void> {
    try {
      await this.route(context);
      await this.deps.memory.save(context);
    } catch (error) {
      await this.fail(context, error);
    }
  }

  private async route(context: TurnContext): Promise<void> {
    const { activity } = context;
    switch (activity.type) {
      case 'message':
        return this.onMessage(context);
      case 'invoke':
        return this.onInvoke(context);
      case 'installationUpdate':
      case 'conversationUpdate':
        return this.onMembership(context);
      default:
        return;
    }
  }

  /**
   * Installed or added: remember where proactive messages can go (the welcome only once, on install).
   * Uninstalled or removed: forget the conversation, and its subscription.
   */
  private async onMembership(context: TurnContext): Promise<void> {
    const { activity } = context;
    const change = botMembershipChange(activity);
    const accountId = this.account.id;
    if (change === 'added') {
      await this.deps.conversations.save(accountId, conversationRefOf(activity, this.deps.clock.now()));
      if (activity.type === 'installationUpdate') await context.sendActivity(replies.welcome(this.account));
    } else if (change === 'removed') {
      await this.deps.conversations.remove(accountId, channelRoot(activity.conversation.id));
    }
  }

  private async onMessage(context: TurnContext): Promise<void> {
    const person = personFrom(context.activity);
    if (!person) {
      await context.sendActivity(
        replies.refusal({ kind: 'roleRequired', role: 'Manager', isMember: false }, this.account),
      );
      return;
    }
    const text = context.activity.text ? TurnContext.removeRecipientMention(context.activity) : '';
    const command = parseCommand(text);
    await this.commands[command.name](context, person, command);
  }

  private async onInvoke(context: TurnContext): Promise<void> {
    const handler = this.invokes[context.activity.name ?? ''];
    const person = personFrom(context.activity);
    if (!handler) return sendInvokeResponse(context, 501);
    if (!person) return sendInvokeResponse(context, 200, messageResponse(replies.unknownAction));
    await handler(context, person);
  }

  /** R1: in a personal chat only a Manager may start; in a group chat anyone may ask, and a Manager approves. */
  private async associate(context: TurnContext): Promise<void> {
    const person = personFrom(context.activity) as Person;
    if (!isGroup(context.activity)) {
      const authorized = await this.deps.service.authorize(person);
      if (!authorized.ok) {
        await context.sendActivity(replies.refusal(authorized.refusal, this.account));
        return;
      }
    }
    await this.deps.signIn.start(context);
  }

  private async tenants(context: TurnContext, person: Person): Promise<void> {
    const listed = await this.deps.service.listTenants(person);
    if (!listed.ok) {
      await context.sendActivity(replies.refusal(listed.refusal, this.account));
      return;
    }
    await sendCard(context, tenantListCard(this.account, listed.value));
  }

  /** Stops what this person has in progress here: a pending sign-in and their open request. */
  private async cancel(context: TurnContext, person: Person): Promise<void> {
    const abandoned = await this.deps.signIn.abandon(context);
    const memory = await this.deps.memory.get(context);
    const open = memory.openRequest;
    if (open) {
      await this.deps.memory.update(context, (m) => delete m.openRequest);
      const action = isGroup(context.activity) ? 'withdraw' : 'cancel';
      const outcome = await this.deps.service.act(action, person, context.activity.conversation.id, open.id);
      if (outcome.ok) {
        if (open.cardActivityId)
          await replaceCard(context, open.cardActivityId, requestCard(outcome.value, this.account));
        await context.sendActivity(replies.cancelled(outcome.value));
        return;
      }
    }
    await context.sendActivity(abandoned ? replies.cancelled() : replies.nothingToCancel);
  }

  private async fail(context: TurnContext, error: unknown): Promise<void> {
    const text =
      error instanceof DependencyUnavailableError
        ? UNAVAILABLE[error.dependency]
        : this.deps.isStorageFault(error)
          ? UNAVAILABLE.storage
          : replies.somethingWentWrong;
    this.deps.log(`turn failed (${context.activity.type} ${context.activity.name ?? ''})`, error);
    if (context.activity.type === 'invoke') {
      if (!context.turnState.get(INVOKE_RESPONSE_KEY))
        await sendInvokeResponse(context, 200, messageResponse(text));
      return;
    }
    await context.sendActivity(text);
  }

  private get account() {
    return this.deps.service.account;
  }
}
