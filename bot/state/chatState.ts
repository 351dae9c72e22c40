import type { Person } from '../core/model';
import type { PendingSignIn } from '../core/tenantSignIn';
import { ETagConflictError, NEW_ITEM_ETAG, type StateStorage } from './stateStorage';

/**
 * What the bot remembers of one person in one conversation. Kept per conversation AND per person, so
 * people in a group chat never share or race over a sign-in.
 */
export interface ChatState {
  /** A sign-in card was shown: to associate a tenant, or to manage the users of `manage` (a tenant id). */
  signIn?: PendingSignIn & { manage?: string };
  openRequest?: { id: string; cardActivityId?: string };
  managing?: ManagingSession;
}

/**
 * A Manager signed in to one tenant to manage its users (R6), for the sign-in's lifetime. Who signed in is
 * remembered; their token is not (the token service keeps it until the session ends with a sign-out).
 */
export interface ManagingSession {
  tenantId: string;
  manager: Person;
  since: string;
  /** The last directory search, and Graph's cursor to its next page. */
  query?: string;
  next?: string;
}

type Change = (state: ChatState) => void;

interface Stored {
  state?: ChatState;
  eTag?: string;
}

const MAX_ATTEMPTS = 3;

/**
 * One person's state for the length of one turn: read at most once (and only if the turn needs it),
 * written at most once, at the end. botbuilder's BotState saves with eTag '*' (last writer wins), which
 * loses an update when two turns of one person overlap on two processes; here the write carries the eTag
 * that was read, and on a conflict the turn's changes are replayed on the newer state.
 */
export class ChatStateSession {
  private loaded?: Promise<{ state: ChatState; eTag: string }>;
  private readonly changes: Change[] = [];

  constructor(
    private readonly storage: StateStorage,
    private readonly key: string,
  ) {}

  async get(): Promise<Readonly<ChatState>> {
    return (await this.load()).state;
  }

  async update(change: Change): Promise<void> {
    const loaded = await this.load();
    change(loaded.state);
    this.changes.push(change);
  }

  async save(): Promise<void> {
    if (this.changes.length === 0 || !this.loaded) return;
    let current = await this.loaded;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.storage.write({ [this.key]: { state: current.state, eTag: current.eTag } });
        this.changes.length = 0;
        return;
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !(error instanceof ETagConflictError)) throw error;
        current = await this.read();
        for (const change of this.changes) change(current.state);
        this.loaded = Promise.resolve(current);
      }
    }
  }

  private load(): Promise<{ state: ChatState; eTag: string }> {
    this.loaded ??= this.read();
    return this.loaded;
  }

  private async read(): Promise<{ state: ChatState; eTag: string }> {
    const item = (await this.storage.read([this.key]))[this.key] as Stored | undefined;
    return { state: item?.state ?? {}, eTag: item?.eTag ?? NEW_ITEM_ETAG };
  }
}

/** Opens one session per turn over the deployment's state storage. */
export class ChatStateStore {
  constructor(private readonly storage: StateStorage) {}

  session(key: string): ChatStateSession {
    return new ChatStateSession(this.storage, key);
  }
}
