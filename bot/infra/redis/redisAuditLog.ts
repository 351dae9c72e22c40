import type { AuditEvent } from '../../core/model';
import type { AuditLog } from '../../core/ports';
import type { RedisClient } from '../../redis/connection';
import { AUDIT_EVENT_FIELD, type RedisKeys } from '../../redis/keys';
import { rethrowUnavailable } from '../../redis/unavailable';

/** The audit stream is trimmed (approximately, which is cheap) to about this many events per account. */
export const DEFAULT_AUDIT_MAX_LENGTH = 100_000;
/** A stream entry id as XADD hands them out (each part below 2^64); the page cursor is one of them. */
const ENTRY_ID = /^\d{1,19}-\d{1,19}$/;

export class RedisAuditLog implements AuditLog {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
    private readonly maxLength = DEFAULT_AUDIT_MAX_LENGTH,
  ) {}

  append(event: AuditEvent): Promise<void> {
    return rethrowUnavailable(async () => {
      const key = this.keys.audit(event.accountId);
      await this.client.xadd(
        key,
        'MAXLEN',
        '~',
        this.maxLength,
        '*',
        AUDIT_EVENT_FIELD,
        JSON.stringify(event),
      );
    });
  }

  page(accountId: string, count: number, before?: string): Promise<{ events: AuditEvent[]; next?: string }> {
    if (count <= 0) return Promise.resolve({ events: [] });
    // The cursor comes back from a card or the tab: one this store never handed out has nothing before it
    // (and Redis would refuse it as a stream id).
    if (before !== undefined && (!ENTRY_ID.test(before) || /^0+-0+$/.test(before)))
      return Promise.resolve({ events: [] });
    return rethrowUnavailable(async () => {
      // One more than asked tells whether there is a next page; '(' makes the cursor exclusive.
      const entries = await this.client.xrevrange(
        this.keys.audit(accountId),
        before ? `(${before}` : '+',
        '-',
        'COUNT',
        count + 1,
      );
      const page = entries.slice(0, count);
      const next = entries.length > count ? page[page.length - 1]?.[0] : undefined;
      return { events: page.map(([, fields]) => parseEntry(fields)), ...(next ? { next } : {}) };
    });
  }

  recent(accountId: string, count: number): Promise<AuditEvent[]> {
    if (count <= 0) return Promise.resolve([]);
    return rethrowUnavailable(async () => {
      const entries = await this.client.xrevrange(this.keys.audit(accountId), '+', '-', 'COUNT', count);
      return entries.map(([, fields]) => parseEntry(fields));
    });
  }
}

function parseEntry(fields: string[]): AuditEvent {
  const i = fields.indexOf(AUDIT_EVENT_FIELD);
  return JSON.parse(fields[i + 1]) as AuditEvent;
}
