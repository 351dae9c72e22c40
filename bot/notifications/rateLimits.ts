/** At most `limit` sends in any window of `windowMs`. */
export interface RateRule {
  limit: number;
  windowMs: number;
}

export interface RateLimits {
  conversation: RateRule[];
  tenant: RateRule[];
}

/** Teams' limits for one bot: per conversation, and about 50 per second per app per tenant. */
export const TEAMS_RATE_LIMITS: RateLimits = {
  conversation: [
    { limit: 7, windowMs: 1_000 },
    { limit: 8, windowMs: 2_000 },
    { limit: 60, windowMs: 30_000 },
    { limit: 1_800, windowMs: 3_600_000 },
  ],
  tenant: [{ limit: 50, windowMs: 1_000 }],
};

/**
 * The rules the limiter applies: each window stretched by `marginMs`, because a message reaches Teams some
 * milliseconds after its slot (more for the first one of a process, which fetches the bot's token) and a late
 * message must not tip a window over; and a pacing rule that spreads the shortest window's allowance evenly,
 * because a burst of concurrent sends arrives in whatever order the network picks.
 */
export function enforcedRules(rules: RateRule[], marginMs: number): RateRule[] {
  if (rules.length === 0) return [];
  const stretched = rules.map((r) => ({ limit: r.limit, windowMs: r.windowMs + marginMs }));
  const shortest = stretched.reduce((a, b) => (b.windowMs < a.windowMs ? b : a));
  const pace = Math.floor(shortest.windowMs / shortest.limit);
  return shortest.limit > 1 && pace > 0 ? [...stretched, { limit: 1, windowMs: pace }] : stretched;
}

/**
 * The earliest time at or after `from` when one more send fits every rule, given the times already in the
 * log (ascending, none after `from`'s answer: slots are handed out in time order). The Redis limiter runs
 * the same computation in Lua.
 */
export function earliestFit(log: readonly number[], from: number, rules: readonly RateRule[]): number {
  let t = Math.max(from, log.length > 0 ? log[log.length - 1] : from);
  for (let moved = true; moved;) {
    moved = false;
    for (const { limit, windowMs } of rules) {
      const inWindow = log.filter((at) => at > t - windowMs);
      if (inWindow.length >= limit) {
        const leaves = inWindow[inWindow.length - limit] + windowMs;
        if (leaves > t) {
          t = leaves;
          moved = true;
        }
      }
    }
  }
  return t;
}
