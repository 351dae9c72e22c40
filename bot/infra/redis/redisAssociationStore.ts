import type { Association } from '../../core/model';
import type { AssociationStore } from '../../core/ports';
import { inAssociationOrder } from '../associationOrder';
import type { RedisClient } from '../../redis/connection';
import type { RedisKeys } from '../../redis/keys';
import { rethrowUnavailable } from '../../redis/unavailable';

/** Read side only: associations are written by `RedisRequestStore.transition`, atomically with the request. */
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

  list(accountId: string): Promise<Association[]> {
    return rethrowUnavailable(async () => {
      const values = await this.client.hvals(this.keys.associations(accountId));
      return inAssociationOrder(values.map((v) => JSON.parse(v) as Association));
    });
  }
}
