import type { AuditEvent } from '../../core/model';
import type { AuditLog } from '../../core/ports';

export class MemoryAuditLog implements AuditLog {
  private readonly byAccount = new Map<string, string[]>();

  constructor(private readonly maxLength = 100_000) {}

  async append(event: AuditEvent): Promise<void> {
    this.record(event);
  }

  async page(
    accountId: string,
    count: number,
    before?: string,
  ): Promise<{ events: AuditEvent[]; next?: string }> {
    const events = this.byAccount.get(accountId) ?? [];
    // The cursor is a position from the start, which trimming from the start does not keep: good enough here.
    const end = before === undefined ? events.length : Math.min(Number(before), events.length);
    const start = Math.max(0, end - Math.max(0, count));
    const page = events
      .slice(start, end)
      .reverse()
      .map((json) => JSON.parse(json) as AuditEvent);
    return { events: page, ...(start > 0 ? { next: String(start) } : {}) };
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
