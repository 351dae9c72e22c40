import type { RedisClient } from '../../redis/connection';
import type { RedisKeys } from '../../redis/keys';
import type { Stores } from '../stores';
import { RedisAssociationStore } from './redisAssociationStore';
import { RedisAuditLog } from './redisAuditLog';
import { RedisMemberStore } from './redisMemberStore';
import { RedisRequestStore } from './redisRequestStore';

/** The core's stores on one Redis or Cluster; `auditMaxLength` caps each account's audit stream (about). */
export function createRedisStores(client: RedisClient, keys: RedisKeys, auditMaxLength?: number): Stores {
  return {
    members: new RedisMemberStore(client, keys, auditMaxLength),
    associations: new RedisAssociationStore(client, keys),
    requests: new RedisRequestStore(client, keys, auditMaxLength),
    audit: new RedisAuditLog(client, keys, auditMaxLength),
  };
}
