import type { TurnContext } from 'botbuilder';
import type { Person } from '../core/model';
import type { Clock, ConversationStore } from '../core/ports';
import type { TenantAssociation } from '../core/tenantAssociation';
import { conversationKindOf } from './conversationKind';
import { conversationRefOf } from './conversationRefs';
import { replies } from './replies';

/** `notify here | off | status`: which chats and channels hear about the account's tenant associations. */
export class Subscriptions {
  constructor(
    private readonly service: TenantAssociation,
    private readonly conversations: ConversationStore,
    private readonly clock: Clock,
  ) {}

  async handle(context: TurnContext, person: Person, setting: 'here' | 'off' | 'status'): Promise<void> {
    const { activity } = context;
    const account = this.service.account;
    const ref = conversationRefOf(activity, this.clock.now());
    if (setting === 'status') {
      const subscribed = await this.conversations.subscriptions(account.id);
      const isMember = (await this.service.listTenants(person)).ok;
      const here = subscribed.some((s) => s.conversationId === ref.conversationId);
      await context.sendActivity(replies.notifyStatus(here, isMember ? subscribed : undefined, account));
      return;
    }
    if (conversationKindOf(activity) === 'personal') {
      await context.sendActivity(replies.notifyPersonal(account));
      return;
    }
    // R1: who hears about the account's tenants is the Managers' decision.
    const authorized = await this.service.authorize(person);
    if (!authorized.ok) {
      await context.sendActivity(replies.refusal(authorized.refusal, account));
      return;
    }
    if (setting === 'here') {
      await this.conversations.save(account.id, ref);
      await this.conversations.subscribe(account.id, ref.conversationId);
      await context.sendActivity(replies.notifyOn(account));
    } else {
      await this.conversations.unsubscribe(account.id, ref.conversationId);
      await context.sendActivity(replies.notifyOff(account));
    }
  }
}
