import type { Account, Person } from '../core/model';
import type { MemberStore } from '../core/ports';
import type { Refusal } from '../core/refusals';
import { ok, refuse, type Result } from '../core/result';
import { canAssociateTenants } from '../core/rules';
import type { ConversationRef } from './model';
import type { ConversationStore } from './ports';

export type SubscriptionRefusal =
  | Refusal
  /** A personal chat already hears everything its owner is concerned by: subscriptions are for chats and channels. */
  | { kind: 'personalChat' };

export interface SubscriptionStatus {
  /** Whether this conversation hears about the account's events. */
  here: boolean;
  /** Every subscribed conversation, for users of the account only. */
  subscribed?: ConversationRef[];
}

/** `notify here | off | status`: which chats and channels hear about the account's tenants. */
export class Subscriptions {
  constructor(
    private readonly deps: { account: Account; members: MemberStore; conversations: ConversationStore },
  ) {}

  /** Anyone may ask whether this conversation is subscribed; only the account's users learn which others are. */
  async status(person: Person, conversationId: string): Promise<Result<SubscriptionStatus>> {
    const { account, members, conversations } = this.deps;
    const [member, subscribed] = await Promise.all([
      members.get(account.id, person),
      conversations.subscriptions(account.id),
    ]);
    const here = subscribed.some((s) => s.conversationId === conversationId);
    return ok(member ? { here, subscribed } : { here });
  }

  /** R1: who hears about the account's tenants is the Managers' decision. */
  async subscribe(person: Person, conversation: ConversationRef): Promise<Result<void, SubscriptionRefusal>> {
    const allowed = await this.mayChange(person, conversation);
    if (!allowed.ok) return allowed;
    const { account, conversations } = this.deps;
    await conversations.save(account.id, conversation);
    await conversations.subscribe(account.id, conversation.conversationId);
    return ok(undefined);
  }

  async unsubscribe(
    person: Person,
    conversation: ConversationRef,
  ): Promise<Result<void, SubscriptionRefusal>> {
    const allowed = await this.mayChange(person, conversation);
    if (!allowed.ok) return allowed;
    await this.deps.conversations.unsubscribe(this.deps.account.id, conversation.conversationId);
    return ok(undefined);
  }

  private async mayChange(
    person: Person,
    conversation: ConversationRef,
  ): Promise<Result<void, SubscriptionRefusal>> {
    if (conversation.kind === 'personal') return refuse({ kind: 'personalChat' });
    const member = await this.deps.members.get(this.deps.account.id, person);
    if (!canAssociateTenants(member)) {
      return refuse({ kind: 'roleRequired', role: 'Manager', isMember: member !== undefined });
    }
    return ok(undefined);
  }
}
