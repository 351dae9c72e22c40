import type { Stores } from '../stores';
import type { RedisClient } from './connection';
import { RedisAssociationStore } from './redisAssociationStore';
import { RedisAuditLog } from './redisAuditLog';
import { RedisConversationStore } from './redisConversationStore';
import { RedisMemberStore } from './redisMemberStore';
import { RedisOutbox } from './redisOutbox';
import { RedisRequestStore } from './redisRequestStore';
import { RedisStateStorage } from './redisStateStorage';

export interface RedisStoresOptions {
  /** Start of every key (default 'pcta'): lets deployments or tests share one Redis. */
  prefix?: string;
  /** Approximate cap of each account's audit stream. Default 100,000. */
  auditMaxLength?: number;
  /** How long bot state outlives its last write. Default 30 days. */
  stateTtlMs?: number;
}

export function createRedisStores(client: RedisClient, opts: RedisStoresOptions = {}): Stores {
  const { prefix, auditMaxLength: maxLength, stateTtlMs: ttlMs } = opts;
  return {
    members: new RedisMemberStore(client, { prefix }),
    associations: new RedisAssociationStore(client, { prefix }),
    requests: new RedisRequestStore(client, { prefix, auditMaxLength: maxLength }),
    audit: new RedisAuditLog(client, { prefix, maxLength }),
    state: new RedisStateStorage(client, { prefix, ttlMs }),
    conversations: new RedisConversationStore(client, { prefix }),
    outbox: new RedisOutbox(client, { prefix }),
  };
}
