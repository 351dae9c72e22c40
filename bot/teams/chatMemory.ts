import { PrivateConversationState, type Storage, type TurnContext } from 'botbuilder';

/**
 * What the bot remembers of one person in one conversation. Keyed by conversation AND user
 * (PrivateConversationState), so people in a group chat never share or race over a sign-in.
 */
export interface ChatMemory {
  signIn?: { startedAt: string };
  openRequest?: { id: string; cardActivityId?: string };
}

export class ChatMemoryStore {
  private readonly state: PrivateConversationState;
  private readonly property;

  constructor(storage: Storage) {
    this.state = new PrivateConversationState(storage);
    this.property = this.state.createProperty<ChatMemory>('tenantAssociation');
  }

  /** One storage read per turn; later calls in the same turn are served from the turn's cache. */
  async get(context: TurnContext): Promise<ChatMemory> {
    return this.property.get(context, {});
  }

  async update(context: TurnContext, change: (memory: ChatMemory) => void): Promise<void> {
    const memory = await this.get(context);
    change(memory);
    await this.property.set(context, memory);
  }

  /** One storage write per turn, and only when something changed (eTag-checked). */
  async save(context: TurnContext): Promise<void> {
    await this.state.saveChanges(context);
  }
}
