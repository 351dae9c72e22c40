import { enforcedRules, TEAMS_RATE_LIMITS, type RateLimits } from './rateLimits';

/** How deliveries are paced, retried and remembered. Tests shorten the times; production keeps the defaults. */
export interface DeliveryPolicy {
  limits: RateLimits;
  /**
   * How much longer than Teams' each window is kept (see enforcedRules): generous per conversation, where
   * speed hardly matters, and small per tenant, where it sets the pace of a large fan-out — but above the
   * tens of milliseconds by which the network and a busy process can bunch sends up on their way.
   */
  marginMs: Record<keyof RateLimits, number>;
  /** Tries per delivery for answers worth retrying (throttling, 5xx, timeouts), then a dead letter. */
  attempts: number;
  /** Exponential backoff: base, doubling per attempt up to the cap, with jitter. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Completed jobs are kept this long (and at most this many) so that re-queuing the same delivery is ignored. */
  keepCompletedSeconds: number;
  keepCompletedCount: number;
  /** The delivered mark outlives the completed job, for a relay that re-queues after the job is gone. */
  deliveredKeepMs: number;
  /** A claim lapses after this; it must outlast the longest send (the sender's timeout plus a token fetch). */
  claimTtlMs: number;
  /** A slot this close is waited for in the worker (exact timing); a later one parks the job as delayed... */
  sleepUpToMs: number;
  /** ...until this long before the slot, when the worker takes it again and waits the rest. */
  wakeEarlyMs: number;
  /**
   * A slot missed by more than this (a worker crash, a slow queue) is given back and a new one taken: sending
   * late would bunch the message up with the next ones. Keep it under the tenant margin.
   */
  lateByMs: number;
  /** BullMQ: a job whose worker stops renewing its lock for this long is taken over by another worker. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  /** Outbox entries a relay took but did not finish for this long are taken over by another relay. */
  relayClaimIdleMs: number;
  relayBlockMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  limits: TEAMS_RATE_LIMITS,
  marginMs: { conversation: 250, tenant: 100 },
  attempts: 12,
  retryBaseMs: 1_000,
  retryMaxMs: 5 * 60_000,
  keepCompletedSeconds: 2 * 24 * 3600,
  keepCompletedCount: 50_000,
  deliveredKeepMs: 7 * 24 * 3600_000,
  claimTtlMs: 60_000,
  sleepUpToMs: 1_000,
  wakeEarlyMs: 500,
  lateByMs: 10,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 5,
  relayClaimIdleMs: 30_000,
  relayBlockMs: 5_000,
};

export function deliveryPolicy(overrides: Partial<DeliveryPolicy> = {}): DeliveryPolicy {
  return { ...DEFAULT_DELIVERY_POLICY, ...overrides };
}

/**
 * Exponential backoff with "equal jitter" (half fixed, half random), so throttled deliveries do not all come
 * back at the same instant; never sooner than the Retry-After Teams asked for.
 */
export function retryDelayMs(
  policy: DeliveryPolicy,
  attemptsMade: number,
  afterMs = 0,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.max(0, attemptsMade - 1));
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  return Math.round(Math.max(afterMs, jittered));
}

/** The rules the limiter applies for this policy. */
export function enforcedLimits(policy: DeliveryPolicy): RateLimits {
  return {
    conversation: enforcedRules(policy.limits.conversation, policy.marginMs.conversation),
    tenant: enforcedRules(policy.limits.tenant, policy.marginMs.tenant),
  };
}
