import type { NotificationEvent, NotificationKind, Person } from '../core/model';
import type { ConversationRef } from './model';

/** Where the bot can write proactively, and which conversations asked to hear about the account's events. */
export interface ConversationStore {
  save(accountId: string, ref: ConversationRef): Promise<void>;
  /** Forgets the conversation (uninstalled, blocked, bot removed) and its subscription. */
  remove(accountId: string, conversationId: string): Promise<void>;
  get(accountId: string, conversationId: string): Promise<ConversationRef | undefined>;
  /** The person's personal chat with the bot, if they installed it. */
  personalOf(
    accountId: string,
    person: Pick<Person, 'tenantId' | 'objectId'>,
  ): Promise<ConversationRef | undefined>;
  subscribe(accountId: string, conversationId: string): Promise<void>;
  unsubscribe(accountId: string, conversationId: string): Promise<void>;
  subscriptions(accountId: string): Promise<ConversationRef[]>;
}

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

/** The stores of this feature, on the deployment's backend. */
export interface NotificationStores {
  conversations: ConversationStore;
  outbox: NotificationOutbox;
}

export type DeliveryOutcome =
  | { kind: 'delivered' }
  /** Try again later: an answer in RETRY_STATUSES (honouring Retry-After), a timeout or the network. */
  | { kind: 'retry'; reason: string; afterMs?: number }
  /** The conversation is gone for good (403 ConversationBlockedByUser / BotNotInConversationRoster, 404): forget it. */
  | { kind: 'gone'; reason: string }
  /** Any other refusal: not retried, kept as a dead letter. */
  | { kind: 'failed'; reason: string };

/**
 * Answers worth another try: 408 and 412 (Teams' concurrent-update answer), 429 (throttled), and 500, 502,
 * 503, 504 (the service or its gateway in trouble).
 */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 412, 429, 500, 502, 503, 504]);

/** Sends one notification into one conversation (the Teams edge implements it). */
export interface NotificationSender {
  send(to: ConversationRef, event: NotificationEvent): Promise<DeliveryOutcome>;
  /** Prepares itself (fetches the bot's token) so that the first sends keep to their slots. */
  warmUp?(): Promise<void>;
}

/** A delivery that will not be retried by itself, for an operator to look at. */
export interface DeadLetter {
  deliveryId: string;
  conversationId: string;
  eventId: string;
  kind: NotificationKind;
  organization: string;
  reason: string;
  attempts: number;
  failedAt?: string;
}

/**
 * What requeuing a dead letter did: put it back in the queue with all its attempts, or nothing because it is no
 * longer a dead letter (requeued already, maybe delivered since), or because there is no such delivery.
 */
export interface Requeued {
  deliveryId: string;
  outcome: 'requeued' | 'notADeadLetter' | 'unknown';
}

export type Claim = { kind: 'claimed' } | { kind: 'delivered' } | { kind: 'busy'; retryInMs: number };

/**
 * Makes a delivery idempotent across retries, crashes and workers: it is sent only by whoever holds its claim,
 * and never again once marked delivered. What remains is the moment between Teams accepting the POST and the
 * mark being written: a worker that dies exactly then leaves a message that will be sent again.
 */
export interface DeliveryGuard {
  /** Claims the right to send now; `token` identifies this attempt. The claim lapses after `ttlMs`. */
  claim(deliveryId: string, token: string, ttlMs: number): Promise<Claim>;
  /** Marks it delivered (for `keepMs`) and drops the claim. */
  delivered(deliveryId: string, token: string, keepMs: number): Promise<void>;
  /** Drops the claim without sending, so a retry need not wait for it to lapse. */
  release(deliveryId: string, token: string): Promise<void>;
}

/** Which log a send is counted in: one per conversation, one per tenant. */
export interface LogKey {
  scope: 'conversation' | 'tenant';
  id: string;
}

export interface Fit {
  /** The earliest time (ms since epoch, on the log's clock) at which one more send fits. */
  at: number;
  /** The log's clock now: waits are computed against it, not against this machine's clock. */
  now: number;
  /** Whether the send was recorded at `at`. */
  held: boolean;
}

/**
 * Sliding-window logs of sends, shared by every worker of the deployment (Redis) or of the process (memory).
 * Entries may lie in the future: a slot is recorded when it is handed out, not when it is used.
 */
export interface WindowLog {
  /**
   * Finds the earliest fit at or after `from`. With `hold`, records `member` there; with `exact`, only if the
   * fit is `from` itself (nothing is recorded otherwise).
   */
  findSlot(key: LogKey, from: number, hold?: { member: string; exact: boolean }): Promise<Fit>;
  release(key: LogKey, member: string): Promise<void>;
  /** The clock of the log `key`: on a Cluster, each log's own node's, which its fits are measured against. */
  now(key: LogKey): Promise<number>;
}
