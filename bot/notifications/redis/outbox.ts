import type { NotificationEvent } from '../../core/model';
import type { RedisClient } from '../../redis/connection';
import { OUTBOX_EVENT_FIELD, type RedisKeys } from '../../redis/keys';
import { rethrowUnavailable } from '../../redis/unavailable';
import type { NotificationOutbox, OutboxEntry } from '../ports';

/** Reads the account's outbox stream. The relay reads it through a consumer group instead; this is the plain view. */
export class RedisOutbox implements NotificationOutbox {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  pending(accountId: string, count: number): Promise<OutboxEntry[]> {
    if (count <= 0) return Promise.resolve([]);
    return rethrowUnavailable(async () => {
      const entries = await this.client.xrange(this.keys.outbox(accountId), '-', '+', 'COUNT', count);
      return entries.map(([id, fields]) => ({ id, event: outboxEvent(fields) }));
    });
  }

  remove(accountId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return rethrowUnavailable(async () => {
      await this.client.xdel(this.keys.outbox(accountId), ...ids);
    });
  }
}

export function outboxEvent(fields: string[]): NotificationEvent {
  const i = fields.indexOf(OUTBOX_EVENT_FIELD);
  if (i < 0 || i + 1 >= fields.length) throw new Error('outbox entry without an event');
  return JSON.parse(fields[i + 1]) as NotificationEvent;
}
