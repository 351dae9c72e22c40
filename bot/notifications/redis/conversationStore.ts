import type { Person } from '../../core/model';
import type { RedisClient } from '../../redis/connection';
import { memberField, type RedisKeys } from '../../redis/keys';
import { LuaScript } from '../../redis/luaScript';
import { rethrowUnavailable } from '../../redis/unavailable';
import type { ConversationRef } from '../model';
import type { ConversationStore } from '../ports';

/** memberField() in Lua: encodeURIComponent works on UTF-8 bytes, as Lua strings are. */
const PERSONAL_FIELD = `
local function encode(s)
  return (string.gsub(s, "[^%w%-_%.!~%*'%(%)]", function(c) return string.format('%%%02X', string.byte(c)) end))
end
local function personalField(json)
  local ref = json and cjson.decode(json)
  local user = ref and ref.kind == 'personal' and ref.user
  if type(user) ~= 'table' then return nil end
  return encode(user.tenantId) .. '/' .. encode(user.objectId)
end
`;

/**
 * Saves a reference and keeps the personal-chat index pointing at it; an index entry that pointed at this
 * conversation for another user (a reinstall) is dropped, one that points elsewhere is left alone.
 * KEYS: conversations hash, personal index. ARGV: conversation id, ref JSON, personal field ('' = none).
 */
const SAVE = new LuaScript(`${PERSONAL_FIELD}
local field = personalField(redis.call('HGET', KEYS[1], ARGV[1]))
if field and field ~= ARGV[3] and redis.call('HGET', KEYS[2], field) == ARGV[1] then
  redis.call('HDEL', KEYS[2], field)
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], ARGV[3], ARGV[1]) end
return 0
`);

/**
 * Forgets a conversation: its reference, its subscription, and the personal-chat index entry if it points here.
 * KEYS: conversations hash, personal index, subscriptions set. ARGV: conversation id.
 */
const REMOVE = new LuaScript(`${PERSONAL_FIELD}
local field = personalField(redis.call('HGET', KEYS[1], ARGV[1]))
if field and redis.call('HGET', KEYS[2], field) == ARGV[1] then redis.call('HDEL', KEYS[2], field) end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
return 0
`);

export class RedisConversationStore implements ConversationStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  save(accountId: string, ref: ConversationRef): Promise<void> {
    return rethrowUnavailable(async () => {
      await SAVE.run(
        this.client,
        [this.keys.conversations(accountId), this.keys.personalChats(accountId)],
        [ref.conversationId, JSON.stringify(ref), personalField(ref)],
      );
    });
  }

  remove(accountId: string, conversationId: string): Promise<void> {
    return rethrowUnavailable(async () => {
      await REMOVE.run(
        this.client,
        [
          this.keys.conversations(accountId),
          this.keys.personalChats(accountId),
          this.keys.subscriptions(accountId),
        ],
        [conversationId],
      );
    });
  }

  get(accountId: string, conversationId: string): Promise<ConversationRef | undefined> {
    return rethrowUnavailable(async () =>
      parse(await this.client.hget(this.keys.conversations(accountId), conversationId)),
    );
  }

  personalOf(
    accountId: string,
    person: Pick<Person, 'tenantId' | 'objectId'>,
  ): Promise<ConversationRef | undefined> {
    return rethrowUnavailable(async () => {
      const field = memberField(person.tenantId, person.objectId);
      const conversationId = await this.client.hget(this.keys.personalChats(accountId), field);
      if (conversationId === null) return undefined;
      return parse(await this.client.hget(this.keys.conversations(accountId), conversationId));
    });
  }

  subscribe(accountId: string, conversationId: string): Promise<void> {
    return rethrowUnavailable(async () => {
      await this.client.sadd(this.keys.subscriptions(accountId), conversationId);
    });
  }

  unsubscribe(accountId: string, conversationId: string): Promise<void> {
    return rethrowUnavailable(async () => {
      await this.client.srem(this.keys.subscriptions(accountId), conversationId);
    });
  }

  subscriptions(accountId: string): Promise<ConversationRef[]> {
    return rethrowUnavailable(async () => {
      const ids = await this.client.smembers(this.keys.subscriptions(accountId));
      if (ids.length === 0) return [];
      const values = await this.client.hmget(this.keys.conversations(accountId), ...ids.sort());
      // A subscription outlives nothing: without a reference there is nowhere to write.
      return values.flatMap((value) => parse(value) ?? []);
    });
  }
}

/** The index field of a personal chat, the same encoding as the members hash ('' when not personal). */
function personalField(ref: ConversationRef): string {
  return ref.kind === 'personal' && ref.user ? memberField(ref.user.tenantId, ref.user.objectId) : '';
}

function parse(value: string | null): ConversationRef | undefined {
  return value === null ? undefined : (JSON.parse(value) as ConversationRef);
}
