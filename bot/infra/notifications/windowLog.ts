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
  fit(key: LogKey, from: number, hold?: { member: string; exact: boolean }): Promise<Fit>;
  release(key: LogKey, member: string): Promise<void>;
  now(): Promise<number>;
}
