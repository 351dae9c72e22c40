import type { Storage, TurnContext } from 'botbuilder';
import { NEW_ITEM_ETAG } from '../core/ports';

/**
 * What the bot remembers of one person in one conversation. Keyed by conversation AND user, so people in
 * a group chat never share or race over a sign-in.
 */
export interface ChatMemory {
  signIn?: { startedAt: string };
  openRequest?: { id: string; cardActivityId?: string };
}

type Change = (memory: ChatMemory) => void;

interface Loaded {
  key: string;
  memory: ChatMemory;
  eTag: string;
  changes: Change[];
}

interface Stored {
  memory?: ChatMemory;
  eTag?: string;
}

const LOADED = Symbol('chatMemory');
const MAX_ATTEMPTS = 3;

/**
 * One storage read per turn and at most one write, with real optimistic concurrency: botbuilder's BotState
 * saves with eTag '*' (last writer wins), which can lose an update when two turns of one person overlap on
 * two processes. Here the write carries the eTag that was read; on a conflict the turn's changes are
 * replayed on the newer state.
 */
export class ChatMemoryStore {
  constructor(private readonly storage: Storage) {}

  async get(context: TurnContext): Promise<Readonly<ChatMemory>> {
    return (await this.load(context)).memory;
  }

  async update(context: TurnContext, change: Change): Promise<void> {
    const loaded = await this.load(context);
    change(loaded.memory);
    loaded.changes.push(change);
  }

  async save(context: TurnContext): Promise<void> {
    const loaded = context.turnState.get<Loaded | undefined>(LOADED);
    if (!loaded || loaded.changes.length === 0) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.storage.write({
          [loaded.key]: { memory: loaded.memory, eTag: loaded.eTag },
        });
        loaded.changes = [];
        return;
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isETagConflict(error)) throw error;
        const fresh = await this.read(loaded.key);
        loaded.memory = fresh.memory;
        loaded.eTag = fresh.eTag;
        for (const change of loaded.changes) change(loaded.memory);
      }
    }
  }

  private async load(context: TurnContext): Promise<Loaded> {
    const cached = context.turnState.get<Loaded | undefined>(LOADED);
    if (cached) return cached;
    const key = keyOf(context);
    const loaded: Loaded = { key, ...(await this.read(key)), changes: [] };
    context.turnState.set(LOADED, loaded);
    return loaded;
  }

  private async read(key: string): Promise<{ memory: ChatMemory; eTag: string }> {
    const item = (await this.storage.read([key]))[key] as Stored | undefined;
    return { memory: item?.memory ?? {}, eTag: item?.eTag ?? NEW_ITEM_ETAG };
  }
}

/** The same key PrivateConversationState uses: channel, conversation and user. */
function keyOf(context: TurnContext): string {
  const { channelId, conversation, from } = context.activity;
  return `${channelId}/conversations/${conversation.id}/users/${from.id}`;
}

function isETagConflict(error: unknown): boolean {
  return error instanceof Error && /eTag conflict/i.test(error.message);
}
