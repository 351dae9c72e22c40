import { OPEN_STATES, type Association, type AuditEvent, type TenantRequest } from '../../core/model';
import type { RequestStore, RequestTransition, TransitionResult } from '../../core/ports';
import type { RedisClient } from '../../redis/connection';
import { AUDIT_EVENT_FIELD, memberField, OUTBOX_EVENT_FIELD, type RedisKeys } from '../../redis/keys';
import { LuaScript } from '../../redis/luaScript';
import { rethrowUnavailable } from '../../redis/unavailable';
import { checkCreate, checkTransition } from '../requestChanges';
import { DEFAULT_AUDIT_MAX_LENGTH } from './redisAuditLog';

/**
 * KEYS: request, audit stream, open requests set. ARGV: request JSON, retainUntil (ms), audit JSON, audit
 * max length. Returns 0 if a request with that id already exists (nothing written), else 1.
 */
const CREATE = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', '${AUDIT_EVENT_FIELD}', ARGV[3])
redis.call('SADD', KEYS[3], KEYS[1])
return 1
`);

/**
 * The compare-and-set of a request, with everything it records: all or nothing. Every check runs before the
 * first write, because Redis does not roll back a script that fails halfway. The notification goes to the
 * account's outbox in the same step, so a crash right after the transition cannot lose it; the outbox is
 * never trimmed here, because an entry trimmed unread is a lost message.
 *
 * - An association (completing an association request) is recorded unless the tenant already has one, with
 *   the person who signed in as the tenant's first account user and Manager (R11).
 * - A removal (completing a removal request, R12) needs the tenant still associated and not the last one;
 *   it deletes the association and the tenant's account users (who are told: they join the notification's
 *   `concerned`), and cancels the tenant's other open requests. Those request keys are not in KEYS: they are
 *   the members of the open-requests set, which shares the account's hash tag, so they are on this slot.
 *
 * KEYS: request, associations hash, audit stream, outbox stream, open requests set, members hash.
 * ARGV: 1 expected version, 2 next request JSON, 3 retainUntil (ms), 4 audit JSON, 5 audit max length,
 *       6 notification JSON or '', 7 '1' if still open after this, 8 tenant id,
 *       9 association JSON or '', 10 first Manager's field or '', 11 their member JSON, 12 their audit JSON,
 *       13 '1' to remove the tenant, 14 the members' field prefix of the tenant, 15 the remover (Person JSON),
 *       16 now (ISO).
 * Returns {'ok'}, {'conflict', current JSON or nothing}, {'alreadyAssociated', association JSON},
 * {'notAssociated'} or {'lastTenant'}.
 */
const TRANSITION = new LuaScript(`
local current = redis.call('GET', KEYS[1])
if not current then return {'conflict'} end
if cjson.decode(current).version ~= tonumber(ARGV[1]) then return {'conflict', current} end
local tenantId = ARGV[8]
local associating = ARGV[9] ~= ''
local removing = ARGV[13] == '1'
if associating then
  local existing = redis.call('HGET', KEYS[2], tenantId)
  if existing then return {'alreadyAssociated', existing} end
end
if removing then
  if redis.call('HEXISTS', KEYS[2], tenantId) == 0 then return {'notAssociated'} end
  if redis.call('HLEN', KEYS[2]) <= 1 then return {'lastTenant'} end
end

local function audit(json) redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', '${AUDIT_EVENT_FIELD}', json) end
audit(ARGV[4])
local notify = ARGV[6]

if associating then
  redis.call('HSET', KEYS[2], tenantId, ARGV[9])
  if ARGV[10] ~= '' then
    local member = redis.call('HGET', KEYS[6], ARGV[10])
    if not member then
      redis.call('HSET', KEYS[6], ARGV[10], ARGV[11])
      audit(ARGV[12])
    end
  end
end

if removing then
  redis.call('HDEL', KEYS[2], tenantId)
  local prefix = ARGV[14]
  local concerned = {}
  local fields = redis.call('HKEYS', KEYS[6])
  for _, field in ipairs(fields) do
    if string.sub(field, 1, #prefix) == prefix then
      local member = cjson.decode(redis.call('HGET', KEYS[6], field))
      table.insert(concerned, { tenantId = member.tenantId, objectId = member.objectId })
      redis.call('HDEL', KEYS[6], field)
    end
  end
  local remover = cjson.decode(ARGV[15])
  for _, key in ipairs(redis.call('SMEMBERS', KEYS[5])) do
    local json = key ~= KEYS[1] and redis.call('GET', key)
    if json then
      local other = cjson.decode(json)
      local otherTenant = other.kind == 'remove' and other.tenant.tenantId or other.signIn.tenantId
      if otherTenant == tenantId then
        other.state = 'cancelled'
        other.version = other.version + 1
        other.decidedBy = remover
        other.decidedAt = ARGV[16]
        other.reason = 'tenantRemoved'
        redis.call('SET', key, cjson.encode(other), 'KEEPTTL')
        redis.call('SREM', KEYS[5], key)
        audit(cjson.encode({ at = ARGV[16], accountId = other.accountId, action = 'request.cancelled',
          actor = remover, tenantId = tenantId, requestId = other.id, detail = 'tenantRemoved' }))
      end
    end
  end
  if notify ~= '' and #concerned > 0 then
    local event = cjson.decode(notify)
    event.concerned = concerned
    notify = cjson.encode(event)
  end
end

if notify ~= '' then redis.call('XADD', KEYS[4], '*', '${OUTBOX_EVENT_FIELD}', notify) end
redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3])
if ARGV[7] ~= '1' then redis.call('SREM', KEYS[5], KEYS[1]) end
return {'ok'}
`);

export class RedisRequestStore implements RequestStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
    /** Cap of the account's audit stream, which this store appends to. */
    private readonly auditMaxLength = DEFAULT_AUDIT_MAX_LENGTH,
  ) {}

  async create(request: TenantRequest, retainUntil: Date, audit: AuditEvent): Promise<void> {
    const retainUntilMs = checkCreate(request, retainUntil, audit);
    await rethrowUnavailable(async () => {
      const created = await CREATE.run(
        this.client,
        [
          this.keys.request(request.accountId, request.id),
          this.keys.audit(request.accountId),
          this.keys.openRequests(request.accountId),
        ],
        [JSON.stringify(request), retainUntilMs, JSON.stringify(audit), this.auditMaxLength],
      );
      if (created !== 1) throw new Error(`request ${request.id} already exists`);
    });
  }

  get(accountId: string, requestId: string): Promise<TenantRequest | undefined> {
    return rethrowUnavailable(async () => {
      const value = await this.client.get(this.keys.request(accountId, requestId));
      return value === null ? undefined : (JSON.parse(value) as TenantRequest);
    });
  }

  /** Two round trips: the keys, then the requests (one slot: they share the account's hash tag). */
  listOpen(accountId: string): Promise<TenantRequest[]> {
    return rethrowUnavailable(async () => {
      const keys = (await this.client.smembers(this.keys.openRequests(accountId))).sort();
      if (keys.length === 0) return [];
      const values = await this.client.mget(...keys);
      // A request outlived by its retention is gone: forget it here too.
      const lapsed = keys.filter((_, i) => values[i] === null);
      if (lapsed.length > 0) await this.client.srem(this.keys.openRequests(accountId), ...lapsed);
      return values.flatMap((v) => (v === null ? [] : [JSON.parse(v) as TenantRequest]));
    });
  }

  async transition(change: RequestTransition, retainUntil: Date): Promise<TransitionResult> {
    const retainUntilMs = checkTransition(change, retainUntil);
    const { next, association, audit, expectedVersion, notify, firstManager, removal } = change;
    const { accountId } = next;
    const tenantId = association?.tenantId ?? removal?.tenantId ?? '';
    return rethrowUnavailable(async () => {
      const reply = (await TRANSITION.run(
        this.client,
        [
          this.keys.request(accountId, next.id),
          this.keys.associations(accountId),
          this.keys.audit(accountId),
          this.keys.outbox(accountId),
          this.keys.openRequests(accountId),
          this.keys.members(accountId),
        ],
        [
          expectedVersion,
          JSON.stringify(next),
          retainUntilMs,
          JSON.stringify(audit),
          this.auditMaxLength,
          notify ? JSON.stringify(notify) : '',
          OPEN_STATES.includes(next.state) ? '1' : '0',
          tenantId,
          association ? JSON.stringify(association) : '',
          firstManager ? memberField(firstManager.member.tenantId, firstManager.member.objectId) : '',
          firstManager ? JSON.stringify(firstManager.member) : '',
          firstManager ? JSON.stringify(firstManager.audit) : '',
          removal ? '1' : '0',
          removal ? memberField(removal.tenantId, '') : '',
          removal ? JSON.stringify(removal.actor) : '',
          audit.at,
        ],
      )) as [string, string?];
      return toResult(reply);
    });
  }
}

function toResult([outcome, json]: [string, string?]): TransitionResult {
  switch (outcome) {
    case 'ok':
      return { ok: true };
    case 'alreadyAssociated':
      return { ok: false, reason: 'alreadyAssociated', existing: JSON.parse(json as string) as Association };
    case 'notAssociated':
    case 'lastTenant':
      return { ok: false, reason: outcome };
    case 'conflict':
      return json === undefined
        ? { ok: false, reason: 'conflict' }
        : { ok: false, reason: 'conflict', current: JSON.parse(json) as TenantRequest };
    default:
      throw new Error(`unexpected reply from the transition script: ${outcome}`);
  }
}
