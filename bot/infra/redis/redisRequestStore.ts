import { OPEN_STATES, type Association, type AssociationRequest, type AuditEvent } from '../../core/model';
import type { RequestStore, RequestTransition, TransitionResult } from '../../core/ports';
import { checkCreate, checkTransition } from '../requestChanges';
import type { RedisClient } from '../../redis/connection';
import { AUDIT_EVENT_FIELD, OUTBOX_EVENT_FIELD, type RedisKeys } from '../../redis/keys';
import { LuaScript } from '../../redis/luaScript';
import { rethrowUnavailable } from '../../redis/unavailable';
import { DEFAULT_AUDIT_MAX_LENGTH } from './redisAuditLog';

/**
 * KEYS: request, audit stream, open requests set. ARGV: request JSON, retainUntil (ms), audit JSON, audit
 * max length, request id. Returns 0 if a request with that id already exists (nothing written), else 1.
 */
const CREATE = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', '${AUDIT_EVENT_FIELD}', ARGV[3])
redis.call('SADD', KEYS[3], ARGV[5])
return 1
`);

/**
 * The compare-and-set of a request, with the association and audit event it records: all or nothing.
 * Every check runs before the first write, because Redis does not roll back a script that fails halfway.
 * The notification event goes to the account's outbox in the same step, so a crash right after the
 * transition cannot lose it; the outbox is never trimmed here, because an entry trimmed unread is a lost message.
 * KEYS: request, associations hash, audit stream, outbox stream, open requests set.
 * ARGV: expected version, next request JSON, retainUntil (ms), tenant id ('' = no association),
 *       association JSON, audit JSON, audit max length, notification event JSON ('' = none),
 *       request id, '1' if the request is still open after this transition.
 * Returns {'ok'}, {'conflict', current request JSON or nothing}, or {'alreadyAssociated', association JSON}.
 */
const TRANSITION = new LuaScript(`
local current = redis.call('GET', KEYS[1])
if not current then return {'conflict'} end
if cjson.decode(current).version ~= tonumber(ARGV[1]) then return {'conflict', current} end
local tenantId = ARGV[4]
if tenantId ~= '' then
  local existing = redis.call('HGET', KEYS[2], tenantId)
  if existing then return {'alreadyAssociated', existing} end
end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[7], '*', '${AUDIT_EVENT_FIELD}', ARGV[6])
if tenantId ~= '' then redis.call('HSET', KEYS[2], tenantId, ARGV[5]) end
if ARGV[8] ~= '' then redis.call('XADD', KEYS[4], '*', '${OUTBOX_EVENT_FIELD}', ARGV[8]) end
redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3])
if ARGV[10] ~= '1' then redis.call('SREM', KEYS[5], ARGV[9]) end
return {'ok'}
`);

export class RedisRequestStore implements RequestStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
    /** Cap of the account's audit stream, which this store appends to. */
    private readonly auditMaxLength = DEFAULT_AUDIT_MAX_LENGTH,
  ) {}

  async create(request: AssociationRequest, retainUntil: Date, audit: AuditEvent): Promise<void> {
    const retainUntilMs = checkCreate(request, retainUntil, audit);
    await rethrowUnavailable(async () => {
      const created = await CREATE.run(
        this.client,
        [
          this.keys.request(request.accountId, request.id),
          this.keys.audit(request.accountId),
          this.keys.openRequests(request.accountId),
        ],
        [JSON.stringify(request), retainUntilMs, JSON.stringify(audit), this.auditMaxLength, request.id],
      );
      if (created !== 1) throw new Error(`request ${request.id} already exists`);
    });
  }

  get(accountId: string, requestId: string): Promise<AssociationRequest | undefined> {
    return rethrowUnavailable(async () => {
      const value = await this.client.get(this.keys.request(accountId, requestId));
      return value === null ? undefined : (JSON.parse(value) as AssociationRequest);
    });
  }

  /** Two round trips: the ids, then the requests (one slot: they share the account's hash tag). */
  listOpen(accountId: string): Promise<AssociationRequest[]> {
    return rethrowUnavailable(async () => {
      const ids = (await this.client.smembers(this.keys.openRequests(accountId))).sort();
      if (ids.length === 0) return [];
      const values = await this.client.mget(...ids.map((id) => this.keys.request(accountId, id)));
      // A request outlived by its retention is gone: forget it here too.
      const lapsed = ids.filter((_, i) => values[i] === null);
      if (lapsed.length > 0) await this.client.srem(this.keys.openRequests(accountId), ...lapsed);
      return values.flatMap((v) => (v === null ? [] : [JSON.parse(v) as AssociationRequest]));
    });
  }

  async transition(change: RequestTransition, retainUntil: Date): Promise<TransitionResult> {
    const retainUntilMs = checkTransition(change, retainUntil);
    const { next, association, audit, expectedVersion, notify } = change;
    return rethrowUnavailable(async () => {
      const reply = (await TRANSITION.run(
        this.client,
        [
          this.keys.request(next.accountId, next.id),
          this.keys.associations(next.accountId),
          this.keys.audit(next.accountId),
          this.keys.outbox(next.accountId),
          this.keys.openRequests(next.accountId),
        ],
        [
          expectedVersion,
          JSON.stringify(next),
          retainUntilMs,
          association?.tenantId ?? '',
          association ? JSON.stringify(association) : '',
          JSON.stringify(audit),
          this.auditMaxLength,
          notify ? JSON.stringify(notify) : '',
          next.id,
          OPEN_STATES.includes(next.state) ? '1' : '0',
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
    case 'conflict':
      return json === undefined
        ? { ok: false, reason: 'conflict' }
        : { ok: false, reason: 'conflict', current: JSON.parse(json) as AssociationRequest };
    default:
      throw new Error(`unexpected reply from the transition script: ${outcome}`);
  }
}
