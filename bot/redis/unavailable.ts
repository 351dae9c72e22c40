import { DependencyUnavailableError } from '../core/errors';

/**
 * Redis could not be reached, or the command's outcome is unknown because the connection dropped
 * while it was in flight. It is the core's storage DependencyUnavailableError, so the bot tells the user
 * to try again; a retried compare-and-set is safe, because a change that did apply moved the version on.
 */
export class RedisUnavailableError extends DependencyUnavailableError {
  /**
   * False when the command certainly never reached Redis; true when it may have run and only the reply
   * was lost. Then re-read (a request's version tells) rather than assume it failed.
   */
  readonly maybeApplied: boolean;

  constructor(cause: unknown) {
    super('storage', { cause });
    this.name = 'RedisUnavailableError';
    this.message = `Redis is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`;
    this.maybeApplied = !NOT_SENT.some((m) => cause instanceof Error && cause.message.startsWith(m));
  }
}

// Refused before anything was written to a socket.
const NOT_SENT = ["Stream isn't writeable", "Cluster isn't ready", 'connect ECONNREFUSED'];

// ioredis' client-side messages when it cannot send or lost the reply.
const CLIENT_MESSAGES = [
  "Stream isn't writeable",
  "Cluster isn't ready",
  'Connection is closed.',
  'Command timed out',
  'Cluster is disconnected.',
  'None of startup nodes is available',
  'Node is disconnected',
];
const CLIENT_ERROR_NAMES = ['MaxRetriesPerRequestError', 'AbortError', 'ClusterAllFailedError'];
// Server replies that say "not now" rather than "never": loading, busy script, failover, resharding.
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY) /;
const SOCKET_CODES = ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND'];

export function isRedisUnavailable(err: unknown): boolean {
  if (err instanceof RedisUnavailableError) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (
    CLIENT_ERROR_NAMES.includes(err.name) ||
    CLIENT_MESSAGES.some((m) => err.message.startsWith(m)) ||
    TRANSIENT_REPLY.test(err.message) ||
    (typeof code === 'string' && SOCKET_CODES.includes(code))
  );
}

/** Runs one store operation, turning every "Redis is not there" failure into RedisUnavailableError. */
export async function rethrowUnavailable<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw isRedisUnavailable(err) && !(err instanceof RedisUnavailableError)
      ? new RedisUnavailableError(err)
      : err;
  }
}
