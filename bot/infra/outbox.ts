import type { NotificationEvent } from '../core/model';

export interface OutboxEntry {
  /** The entry's position in the outbox (a Redis stream id, or a counter in memory). */
  id: string;
  event: NotificationEvent;
}

/**
 * Notification events that request transitions wrote in the same atomic step as the transition, waiting to
 * be turned into one delivery per recipient. Entries leave only once their deliveries are queued.
 */
export interface NotificationOutbox {
  /** Oldest first. */
  pending(accountId: string, count: number): Promise<OutboxEntry[]>;
  remove(accountId: string, ids: string[]): Promise<void>;
}
