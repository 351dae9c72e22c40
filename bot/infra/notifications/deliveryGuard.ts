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
