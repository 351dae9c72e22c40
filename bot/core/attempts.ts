import type { Person } from './model';
import type { AttemptLimiter } from './ports';
import { ok, refuse, type Result } from './result';

/**
 * What one person may do so often, and no more: each costs a call to Entra ID or Microsoft Graph made on
 * their behalf, and a loop of them (a script, a stuck client) would spend the tenant's Graph quota.
 */
export const ATTEMPT_LIMITS = {
  signIn: { limit: 10, windowMs: 60_000 },
  directorySearch: { limit: 10, windowMs: 60_000 },
} as const;

export type AttemptKind = keyof typeof ATTEMPT_LIMITS;

export class Attempts {
  constructor(private readonly limiter: AttemptLimiter) {}

  async allow(kind: AttemptKind, person: Person): Promise<Result<void>> {
    const { limit, windowMs } = ATTEMPT_LIMITS[kind];
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
