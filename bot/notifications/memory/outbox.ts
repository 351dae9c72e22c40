import type { NotificationEvent } from '../../core/model';
import type { NotificationOutbox, OutboxEntry } from '../ports';

/** The outbox of local mode: entries live as long as the process. */
export class MemoryOutbox implements NotificationOutbox {
  private readonly byAccount = new Map<string, { id: string; json: string }[]>();
  private lastId = 0;

  async pending(accountId: string, count: number): Promise<OutboxEntry[]> {
    return (this.byAccount.get(accountId) ?? [])
      .slice(0, Math.max(0, count))
      .map(({ id, json }) => ({ id, event: JSON.parse(json) as NotificationEvent }));
  }

  async remove(accountId: string, ids: string[]): Promise<void> {
    const gone = new Set(ids);
    const entries = this.byAccount.get(accountId) ?? [];
    this.byAccount.set(
      accountId,
      entries.filter((e) => !gone.has(e.id)),
    );
  }

  /** Synchronous, so MemoryRequestStore can append it in the same step as the transition. */
  append(event: NotificationEvent): void {
    const entries = this.byAccount.get(event.accountId) ?? [];
    this.lastId += 1;
    entries.push({ id: String(this.lastId), json: JSON.stringify(event) });
    this.byAccount.set(event.accountId, entries);
  }
}
