import type { Association } from '../../core/model';
import type { AssociationStore } from '../../core/ports';
import { inAssociationOrder } from '../associationOrder';
import type { RedisClient } from './connection';
import { DEFAULT_KEY_PREFIX, RedisKeys } from './keys';
import { rethrowUnavailable } from './unavailable';

/** Read side only: associations are written by `RedisRequestStore.transition`, atomically with the request. */
export class RedisAssociationStore implements AssociationStore {
  private readonly keys: RedisKeys;

  constructor(
    private readonly client: RedisClient,
    opts: { prefix?: string } = {},
  ) {
    this.keys = new RedisKeys(opts.prefix ?? DEFAULT_KEY_PREFIX);
  }

  get(accountId: string, tenantId: string): Promise<Association | undefined> {
    return rethrowUnavailable(async () => {
      const value = await this.client.hget(this.keys.associations(accountId), tenantId);
      return value === null ? undefined : (JSON.parse(value) as Association);
    });
  }

  list(accountId: string): Promise<Association[]> {
    return rethrowUnavailable(async () => {
      const values = await this.client.hvals(this.keys.associations(accountId));
      return inAssociationOrder(values.map((v) => JSON.parse(v) as Association));
    });
  }
}
