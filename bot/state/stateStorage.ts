/**
 * The eTag a write carries to say "this item must not exist yet": two first writes of one item
 * cannot both win. Any other eTag must match the stored one; none (or '*') means last writer wins.
 */
export const NEW_ITEM_ETAG = '!new';

/**
 * The shape of botbuilder's `Storage`, declared here so the stores stay free of the SDK:
 * bot/teams/ hands these classes to botbuilder, which accepts them structurally.
 */
export interface StoreItem {
  [key: string]: unknown;
  eTag?: string;
}

export type StoreItems = Record<string, StoreItem>;

export interface StateStorage {
  read(keys: string[]): Promise<StoreItems>;
  write(changes: StoreItems): Promise<void>;
  delete(keys: string[]): Promise<void>;
}

/** Idle conversations should not keep their state forever. */
export const DEFAULT_STATE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** An eTag-checked write found the item changed (or gone) since it was read; nothing was written. */
export class ETagConflictError extends Error {
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'ETagConflictError';
  }
}

/** The eTag a write must match, or '' when it does not care (none or '*': last writer wins). */
export function expectedETag(item: StoreItem): string {
  return !item.eTag || item.eTag === '*' ? '' : item.eTag;
}

/**
 * A stored item that has gone (deleted or expired since it was read) is a conflict too,
 * so a stale writer cannot resurrect it.
 */
export function writeAllowed(expected: string, storedETag: string | undefined): boolean {
  if (expected === NEW_ITEM_ETAG) return storedETag === undefined;
  return expected === '' || expected === storedETag;
}

export function validateTtl(ttlMs: number): number {
  if (ttlMs !== Infinity && !(Number.isSafeInteger(ttlMs) && ttlMs > 0)) {
    throw new RangeError(`ttlMs must be a positive integer or Infinity, got ${ttlMs}`);
  }
  return ttlMs;
}

/** The item as stored: the storage owns the eTag. */
export function withoutETag(item: StoreItem): Record<string, unknown> {
  const copy: StoreItem = { ...item };
  delete copy.eTag;
  return copy;
}
