import type { Clock } from '../core/ports';
import {
  DEFAULT_STATE_TTL_MS,
  ETagConflictError,
  expectedETag,
  validateTtl,
  withoutETag,
  writeAllowed,
  type StateStorage,
  type StoreItems,
} from './stateStorage';
import { systemClock } from '../infra/systemClock';

export interface MemoryStateStorageOptions {
  /** Each write keeps the item this long by `clock`; Infinity keeps it for ever. Default 30 days. */
  ttlMs?: number;
  clock?: Clock;
}

interface Entry {
  eTag: string;
  json: string;
  expiresAt: number;
}

/**
 * The same contract as RedisStateStorage for local mode: items are stored as JSON (so callers never share
 * objects with the store), eTags are checked for the whole batch before anything is written.
 */
export class MemoryStateStorage implements StateStorage {
  // Kept in order of expiry: every write moves its key to the end, and the TTL is the same for all.
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly clock: Clock;
  private writes = 0;

  constructor(opts: MemoryStateStorageOptions = {}) {
    this.ttlMs = validateTtl(opts.ttlMs ?? DEFAULT_STATE_TTL_MS);
    this.clock = opts.clock ?? systemClock;
  }

  async read(keys: string[]): Promise<StoreItems> {
    this.forgetExpired();
    const items: StoreItems = {};
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry) items[key] = { ...JSON.parse(entry.json), eTag: entry.eTag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    this.forgetExpired();
    const keys = Object.keys(changes);
    const conflict = keys.find((k) => !writeAllowed(expectedETag(changes[k]), this.entries.get(k)?.eTag));
    if (conflict !== undefined) throw new ETagConflictError(conflict);
    const expiresAt = this.clock.now().getTime() + this.ttlMs;
    for (const key of keys) {
      const json = JSON.stringify(withoutETag(changes[key]));
      this.entries.delete(key);
      this.entries.set(key, { eTag: String(++this.writes), json, expiresAt });
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
  }

  private forgetExpired(): void {
    const now = this.clock.now().getTime();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(key);
    }
  }
}
