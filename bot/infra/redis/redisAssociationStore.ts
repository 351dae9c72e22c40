import type { Association, AuditEvent } from '../../core/model';
import type { AssociationStore } from '../../core/ports';
import { inAssociationOrder } from '../associationOrder';
import type { RedisClient } from '../../redis/connection';
import { AUDIT_EVENT_FIELD, type RedisKeys } from '../../redis/keys';
import { LuaScript } from '../../redis/luaScript';
import { rethrowUnavailable } from '../../redis/unavailable';
import { DEFAULT_AUDIT_MAX_LENGTH } from './redisAuditLog';

/** KEYS: associations hash, audit stream. ARGV: tenant id, association JSON, audit JSON, audit max length. */
const ENSURE = new LuaScript(`
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', '${AUDIT_EVENT_FIELD}', ARGV[3])
return 1
`);

/**
 * Associations are written by `RedisRequestStore.transition`, atomically with the request that completes
 * them; only the account's own tenant (R10) is recorded here, once.
 */
export class RedisAssociationStore implements AssociationStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  get(accountId: string, tenantId: string): Promise<Association | undefined> {
    return rethrowUnavailable(async () => {
      const value = await this.client.hget(this.keys.associations(accountId), tenantId);
      return value === null ? undefined : (JSON.parse(value) as Association);
    });
  }

  ensure(association: Association, audit: AuditEvent): Promise<boolean> {
    if (audit.accountId !== association.accountId) throw new Error('audit event of another account');
    return rethrowUnavailable(async () => {
      const recorded = await ENSURE.run(
        this.client,
        [this.keys.associations(association.accountId), this.keys.audit(association.accountId)],
        [association.tenantId, JSON.stringify(association), JSON.stringify(audit), DEFAULT_AUDIT_MAX_LENGTH],
      );
      return recorded === 1;
    });
  }

  list(accountId: string): Promise<Association[]> {
    return rethrowUnavailable(async () => {
      const values = await this.client.hvals(this.keys.associations(accountId));
      return inAssociationOrder(values.map((v) => JSON.parse(v) as Association));
    });
  }
}
