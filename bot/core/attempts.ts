import type { Person } from './model';
import type { AttemptLimiter } from './ports';
import { ok, refuse, type Result } from './result';

export type AttemptKind = 'signIn' | 'directorySearch';

export type AttemptLimits = Record<AttemptKind, { limit: number; windowMs: number }>;

/**
 * What one person may do so often, and no more: each costs a call to Entra ID or Microsoft Graph made on
 * their behalf, and a loop of them (a script, a stuck client) would spend the tenant's Graph quota.
 */
export const ATTEMPT_LIMITS: AttemptLimits = attemptLimitsOf(10);

/** The limits with `perMinute` of each (ATTEMPTS_PER_MINUTE). */
export function attemptLimitsOf(perMinute: number): AttemptLimits {
  return {
    signIn: { limit: perMinute, windowMs: 60_000 },
    directorySearch: { limit: perMinute, windowMs: 60_000 },
  };
}

export class Attempts {
  constructor(
    private readonly limiter: AttemptLimiter,
    private readonly limits: AttemptLimits = ATTEMPT_LIMITS,
  ) {}

  async allow(kind: AttemptKind, person: Person): Promise<Result<void>> {
    const { limit, windowMs } = this.limits[kind];
    const key = `${kind}:${person.tenantId.toLowerCase()}/${person.objectId}`;
    const { allowed, retryAfterMs } = await this.limiter.attempt(key, limit, windowMs);
    if (allowed) return ok(undefined);
    return refuse({
      kind: 'tooManyAttempts',
      attempt: kind,
      retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
    });
  }
}
