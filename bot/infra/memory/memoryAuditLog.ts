import type { AuditEvent } from '../../core/model';
import type { AuditLog } from '../../core/ports';

export class MemoryAuditLog implements AuditLog {
  private readonly byAccount = new Map<string, string[]>();

  constructor(private readonly maxLength = 100_000) {}

  async append(event: AuditEvent): Promise<void> {
    this.record(event);
  }

  async recent(accountId: string, count: number): Promise<AuditEvent[]> {
    if (count <= 0) return [];
    const events = this.byAccount.get(accountId) ?? [];
    return events
      .slice(-count)
      .reverse()
      .map((json) => JSON.parse(json) as AuditEvent);
  }

  /** Synchronous, so MemoryRequestStore can record it in the same step as the request. */
  record(event: AuditEvent): void {
    const events = this.byAccount.get(event.accountId) ?? [];
    events.push(JSON.stringify(event));
    if (events.length > this.maxLength) events.splice(0, events.length - this.maxLength);
    this.byAccount.set(event.accountId, events);
  }
}
