import type { Person } from '../../core/model';
import type { ConversationRef } from '../model';
import type { ConversationStore } from '../ports';

type PersonKey = Pick<Person, 'tenantId' | 'objectId'>;

interface AccountConversations {
  refs: Map<string, string>;
  /** JSON [tenantId, objectId] -> conversation id of their personal chat. */
  personal: Map<string, string>;
  subscribed: Set<string>;
}

/** The same contract as RedisConversationStore for local mode; no await inside a change keeps it atomic. */
export class MemoryConversationStore implements ConversationStore {
  private readonly byAccount = new Map<string, AccountConversations>();

  async save(accountId: string, ref: ConversationRef): Promise<void> {
    const account = this.account(accountId);
    const previous = account.refs.get(ref.conversationId);
    const before = previous === undefined ? undefined : personalKey(JSON.parse(previous) as ConversationRef);
    const after = personalKey(ref);
    if (before && before !== after && account.personal.get(before) === ref.conversationId) {
      account.personal.delete(before);
    }
    account.refs.set(ref.conversationId, JSON.stringify(ref));
    if (after) account.personal.set(after, ref.conversationId);
  }

  async remove(accountId: string, conversationId: string): Promise<void> {
    const account = this.account(accountId);
    const previous = account.refs.get(conversationId);
    const key = previous === undefined ? undefined : personalKey(JSON.parse(previous) as ConversationRef);
    if (key && account.personal.get(key) === conversationId) account.personal.delete(key);
    account.refs.delete(conversationId);
    account.subscribed.delete(conversationId);
  }

  async get(accountId: string, conversationId: string): Promise<ConversationRef | undefined> {
    return this.find(accountId, conversationId);
  }

  async personalOf(accountId: string, person: PersonKey): Promise<ConversationRef | undefined> {
    const conversationId = this.account(accountId).personal.get(
      JSON.stringify([person.tenantId, person.objectId]),
    );
    return conversationId === undefined ? undefined : this.find(accountId, conversationId);
  }

  async subscribe(accountId: string, conversationId: string): Promise<void> {
    this.account(accountId).subscribed.add(conversationId);
  }

  async unsubscribe(accountId: string, conversationId: string): Promise<void> {
    this.account(accountId).subscribed.delete(conversationId);
  }

  async subscriptions(accountId: string): Promise<ConversationRef[]> {
    return [...this.account(accountId).subscribed]
      .sort()
      .flatMap((conversationId) => this.find(accountId, conversationId) ?? []);
  }

  private find(accountId: string, conversationId: string): ConversationRef | undefined {
    const json = this.account(accountId).refs.get(conversationId);
    return json === undefined ? undefined : (JSON.parse(json) as ConversationRef);
  }

  private account(accountId: string): AccountConversations {
    let account = this.byAccount.get(accountId);
    if (!account) {
      account = { refs: new Map(), personal: new Map(), subscribed: new Set() };
      this.byAccount.set(accountId, account);
    }
    return account;
  }
}

function personalKey(ref: ConversationRef): string | undefined {
  return ref.kind === 'personal' && ref.user
    ? JSON.stringify([ref.user.tenantId, ref.user.objectId])
    : undefined;
}
