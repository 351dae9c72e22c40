import type { AuditEvent } from '../../core/model';
import type { AuditLog } from '../../core/ports';
import type { RedisClient } from './connection';
import { DEFAULT_KEY_PREFIX, RedisKeys } from './keys';
import { rethrowUnavailable } from './unavailable';

/** The audit stream is trimmed (approximately, which is cheap) to about this many events per account. */
export const DEFAULT_AUDIT_MAX_LENGTH = 100_000;
/** The one field of an audit stream entry; the request scripts append entries of the same shape. */
export const AUDIT_EVENT_FIELD = 'event';

export interface RedisAuditLogOptions {
  prefix?: string;
  maxLength?: number;
}

export class RedisAuditLog implements AuditLog {
  private readonly keys: RedisKeys;
  private readonly maxLength: number;

  constructor(
    private readonly client: RedisClient,
    opts: RedisAuditLogOptions = {},
  ) {
    this.keys = new RedisKeys(opts.prefix ?? DEFAULT_KEY_PREFIX);
    this.maxLength = opts.maxLength ?? DEFAULT_AUDIT_MAX_LENGTH;
  }

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
