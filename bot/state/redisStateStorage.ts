import { randomUUID } from 'node:crypto';
import {
  DEFAULT_STATE_TTL_MS,
  ETagConflictError,
  expectedETag,
  NEW_ITEM_ETAG,
  validateTtl,
  withoutETag,
  type StateStorage,
  type StoreItem,
  type StoreItems,
} from './stateStorage';
import type { RedisClient } from '../redis/connection';
import type { RedisKeys } from '../redis/keys';
import { LuaScript } from '../redis/luaScript';
import { rethrowUnavailable } from '../redis/unavailable';

/**
 * Checks every expected eTag before writing anything, so a batch is all or nothing.
 * KEYS: the items. ARGV: ttlMs (0 = none), then one expected eTag per key ('' = any, NEW_ITEM_ETAG = none
 * stored yet), then one value per key.
 * Values are JSON `[eTag, item]`: the stored eTag is read from its start without decoding the item.
 * Returns 0, or the 1-based index of the first key whose eTag did not match.
 */
const WRITE = new LuaScript(`
local n = #KEYS
for i = 1, n do
  local expected = ARGV[1 + i]
  if expected == '${NEW_ITEM_ETAG}' then
    if redis.call('EXISTS', KEYS[i]) == 1 then return i end
  elseif expected ~= '' then
    local current = redis.call('GET', KEYS[i])
    if not current or string.match(current, '^%["([^"]*)"') ~= expected then return i end
  end
end
local ttl = tonumber(ARGV[1])
for i = 1, n do
  if ttl > 0 then
    redis.call('SET', KEYS[i], ARGV[1 + n + i], 'PX', ttl)
  else
    redis.call('SET', KEYS[i], ARGV[1 + n + i])
  end
end
return 0
`);

/** botbuilder `Storage` on Redis, with eTag optimistic concurrency (see `writeAllowed`). */
export class RedisStateStorage implements StateStorage {
  private readonly ttlMs: number;

  /** Each write keeps the item for `ttlMs`; Infinity keeps it for ever. */
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
    ttlMs = DEFAULT_STATE_TTL_MS,
  ) {
    this.ttlMs = validateTtl(ttlMs);
  }

  read(keys: string[]): Promise<StoreItems> {
    return rethrowUnavailable(async () => {
      const values = await this.getAll(keys.map((k) => this.keys.state(k)));
      const items: StoreItems = {};
      keys.forEach((key, i) => {
        const value = values[i];
        if (value) items[key] = decode(value);
      });
      return items;
    });
  }

  write(changes: StoreItems): Promise<void> {
    const keys = Object.keys(changes);
    if (keys.length === 0) return Promise.resolve();
    return rethrowUnavailable(async () => {
      // Cross-slot scripts are refused by a Cluster: there each item is checked and written on its own,
      // as botbuilder's Cosmos DB and Blob storages do.
      const batches = this.client.isCluster ? keys.map((k) => [k]) : [keys];
      await Promise.all(batches.map((batch) => this.writeBatch(batch, changes)));
    });
  }

  delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return Promise.resolve();
    return rethrowUnavailable(async () => {
      const redisKeys = keys.map((k) => this.keys.state(k));
      if (this.client.isCluster) await Promise.all(redisKeys.map((k) => this.client.del(k)));
      else await this.client.del(...redisKeys);
    });
  }

  private async getAll(redisKeys: string[]): Promise<(string | null)[]> {
    if (redisKeys.length === 0) return [];
    // MGET is one round trip but cannot span slots; a Cluster client pipelines the GETs per node instead.
    if (this.client.isCluster) return Promise.all(redisKeys.map((k) => this.client.get(k)));
    return this.client.mget(...redisKeys);
  }

  private async writeBatch(keys: string[], changes: StoreItems): Promise<void> {
    const expected = keys.map((k) => expectedETag(changes[k]));
    const values = keys.map((k) => encode(changes[k]));
    const ttl = this.ttlMs === Infinity ? 0 : this.ttlMs;
    const conflict = await WRITE.run(
      this.client,
      keys.map((k) => this.keys.state(k)),
      [ttl, ...expected, ...values],
    );
    if (conflict !== 0) throw new ETagConflictError(keys[Number(conflict) - 1]);
  }
}

function encode(item: StoreItem): string {
  return JSON.stringify([randomUUID(), withoutETag(item)]);
}

function decode(value: string): StoreItem {
  const [eTag, item] = JSON.parse(value) as [string, StoreItem];
  return { ...item, eTag };
}
