import type { AuditEvent, Member, NotificationEvent, Person } from '../../core/model';
import type { MemberChangeResult, MemberStore, MemberWrite, PersonKey } from '../../core/ports';
import type { RedisClient } from '../../redis/connection';
import { AUDIT_EVENT_FIELD, memberField, OUTBOX_EVENT_FIELD, type RedisKeys } from '../../redis/keys';
import { LuaScript } from '../../redis/luaScript';
import { rethrowUnavailable } from '../../redis/unavailable';
import { checkMemberWrite } from '../memberChanges';
import { inMemberOrder, managersIn, withManagerRole } from '../memberRoles';
import { DEFAULT_AUDIT_MAX_LENGTH } from './redisAuditLog';

/** Whether a stored member holds the Manager role; and how many members do. */
const MANAGERS = `
local function isManager(json)
  if not json then return false end
  for _, role in ipairs(cjson.decode(json).roles) do
    if role == 'Manager' then return true end
  end
  return false
end
local function managerCount(hash)
  local n = 0
  for _, json in ipairs(redis.call('HVALS', hash)) do
    if isManager(json) then n = n + 1 end
  end
  return n
end
`;

/**
 * Adds the Manager role to existing members in place, so a concurrent bootstrap on another instance
 * cannot lose a role written in between. KEYS[1]: the members hash. ARGV: pairs of field and the
 * member to store if that field is empty (a new Manager).
 */
const ENSURE_MANAGERS = new LuaScript(`
for i = 1, #ARGV, 2 do
  local current = redis.call('HGET', KEYS[1], ARGV[i])
  if not current then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  else
    local member = cjson.decode(current)
    local isManager = false
    for _, role in ipairs(member.roles) do
      if role == 'Manager' then isManager = true end
    end
    if not isManager then
      table.insert(member.roles, 'Manager')
      redis.call('HSET', KEYS[1], ARGV[i], cjson.encode(member))
    end
  end
end
return 0
`);

/** Sets the name of a member kept without one, in place. KEYS[1]: the members hash. ARGV: field, name. */
const NAME = new LuaScript(`
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
local member = cjson.decode(current)
if member.displayName ~= nil and member.displayName ~= '' then return 0 end
member.displayName = ARGV[2]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(member))
return 1
`);

/**
 * Adds whoever is not a member yet, each with its history entry and notification; members stay as they are.
 * KEYS: members hash, audit stream, outbox stream. ARGV: audit max length, then per person: field, member
 * JSON, audit JSON, notification JSON ('' = none). Returns per person 1 (added) or the member as stored.
 */
const ADD = new LuaScript(`
local results = {}
for i = 2, #ARGV, 4 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], '*', '${AUDIT_EVENT_FIELD}', ARGV[i + 2])
    if ARGV[i + 3] ~= '' then redis.call('XADD', KEYS[3], '*', '${OUTBOX_EVENT_FIELD}', ARGV[i + 3]) end
    table.insert(results, 1)
  else
    table.insert(results, redis.call('HGET', KEYS[1], ARGV[i]))
  end
end
return results
`);

/**
 * Replaces a member (new roles) or removes it ('' as member JSON), unless that would leave the account with
 * no Manager (R13): of two Managers taking the role from the last two at once, the second is refused.
 * KEYS: members hash, audit stream, outbox stream. ARGV: field, member JSON or '', audit JSON, notification
 * JSON or '', audit max length. Returns {'ok', member before}, {'notMember'} or {'lastManager'}.
 */
const CHANGE = new LuaScript(`${MANAGERS}
local before = redis.call('HGET', KEYS[1], ARGV[1])
if not before then return {'notMember'} end
local after = ARGV[2]
if isManager(before) and not (after ~= '' and isManager(after)) and managerCount(KEYS[1]) <= 1 then
  return {'lastManager'}
end
if after == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], after) end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', '${AUDIT_EVENT_FIELD}', ARGV[3])
if ARGV[4] ~= '' then redis.call('XADD', KEYS[3], '*', '${OUTBOX_EVENT_FIELD}', ARGV[4]) end
return {'ok', before}
`);

export class RedisMemberStore implements MemberStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
    private readonly auditMaxLength = DEFAULT_AUDIT_MAX_LENGTH,
  ) {}

  get(accountId: string, person: PersonKey): Promise<Member | undefined> {
    return rethrowUnavailable(async () => {
      const value = await this.client.hget(
        this.keys.members(accountId),
        memberField(person.tenantId, person.objectId),
      );
      return value === null ? undefined : (JSON.parse(value) as Member);
    });
  }

  put(member: Member): Promise<void> {
    return rethrowUnavailable(async () => {
      const field = memberField(member.tenantId, member.objectId);
      await this.client.hset(this.keys.members(member.accountId), field, JSON.stringify(member));
    });
  }

  list(accountId: string): Promise<Member[]> {
    return rethrowUnavailable(async () => {
      const values = await this.client.hvals(this.keys.members(accountId));
      return inMemberOrder(values.map((v) => JSON.parse(v) as Member));
    });
  }

  listManagers(accountId: string): Promise<Member[]> {
    return rethrowUnavailable(async () => managersIn(await this.list(accountId)));
  }

  name(accountId: string, person: Person): Promise<void> {
    if (!person.displayName) return Promise.resolve();
    return rethrowUnavailable(async () => {
      await NAME.run(
        this.client,
        [this.keys.members(accountId)],
        [memberField(person.tenantId, person.objectId), person.displayName],
      );
    });
  }

  ensureManagers(accountId: string, people: Person[]): Promise<void> {
    if (people.length === 0) return Promise.resolve();
    return rethrowUnavailable(async () => {
      const args = people.flatMap((p) => [
        memberField(p.tenantId, p.objectId),
        JSON.stringify(withManagerRole(undefined, accountId, p)),
      ]);
      await ENSURE_MANAGERS.run(this.client, [this.keys.members(accountId)], args);
    });
  }

  add(accountId: string, writes: MemberWrite[]): Promise<{ added: Member[]; existing: Member[] }> {
    writes.forEach((w) => checkMemberWrite(accountId, w));
    if (writes.length === 0) return Promise.resolve({ added: [], existing: [] });
    return rethrowUnavailable(async () => {
      const reply = (await ADD.run(this.client, this.changeKeys(accountId), [
        this.auditMaxLength,
        ...writes.flatMap((w) => [
          memberField(w.member.tenantId, w.member.objectId),
          JSON.stringify(w.member),
          JSON.stringify(w.audit),
          w.notify ? JSON.stringify(w.notify) : '',
        ]),
      ])) as (number | string)[];
      const added: Member[] = [];
      const existing: Member[] = [];
      reply.forEach((r, i) =>
        r === 1 ? added.push(writes[i].member) : existing.push(JSON.parse(String(r))),
      );
      return { added, existing };
    });
  }

  setRoles(accountId: string, write: MemberWrite): Promise<MemberChangeResult> {
    checkMemberWrite(accountId, write);
    return this.change(accountId, write.member, JSON.stringify(write.member), write.audit, write.notify);
  }

  remove(
    accountId: string,
    person: PersonKey,
    audit: AuditEvent,
    notify?: NotificationEvent,
  ): Promise<MemberChangeResult> {
    checkMemberWrite(accountId, {
      member: { ...person, accountId, displayName: '', roles: [] },
      audit,
      notify,
    });
    return this.change(accountId, person, '', audit, notify);
  }

  private change(
    accountId: string,
    person: PersonKey,
    after: string,
    audit: AuditEvent,
    notify: NotificationEvent | undefined,
  ): Promise<MemberChangeResult> {
    return rethrowUnavailable(async () => {
      const [outcome, before] = (await CHANGE.run(this.client, this.changeKeys(accountId), [
        memberField(person.tenantId, person.objectId),
        after,
        JSON.stringify(audit),
        notify ? JSON.stringify(notify) : '',
        this.auditMaxLength,
      ])) as [string, string?];
      if (outcome === 'ok') return { ok: true, before: JSON.parse(before as string) as Member };
      return { ok: false, reason: outcome === 'lastManager' ? 'lastManager' : 'notMember' };
    });
  }

  private changeKeys(accountId: string): string[] {
    return [this.keys.members(accountId), this.keys.audit(accountId), this.keys.outbox(accountId)];
  }
}
