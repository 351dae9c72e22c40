import type { Member, Person } from '../../core/model';
import type { MemberStore } from '../../core/ports';
import { managersIn, withManagerRole } from '../memberRoles';
import type { RedisClient } from '../../redis/connection';
import { memberField, type RedisKeys } from '../../redis/keys';
import { LuaScript } from '../../redis/luaScript';
import { rethrowUnavailable } from '../../redis/unavailable';

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

export class RedisMemberStore implements MemberStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  get(accountId: string, person: Pick<Person, 'tenantId' | 'objectId'>): Promise<Member | undefined> {
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

  listManagers(accountId: string): Promise<Member[]> {
    return rethrowUnavailable(async () => {
      const values = await this.client.hvals(this.keys.members(accountId));
      return managersIn(values.map((v) => JSON.parse(v) as Member));
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
}
