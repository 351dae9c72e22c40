import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NotificationEvent } from '../core/model';
import type { Log } from '../log';
import type { DeliveryPolicy } from './deliveryPolicy';
import type { ConversationStore, DeliveryGuard, DeliveryOutcome, NotificationSender } from './ports';
import type { RateLimiter, Slot } from './rateLimiter';

/** One notification for one conversation. */
export interface DeliveryTask {
  deliveryId: string;
  event: NotificationEvent;
  conversationId: string;
  /** A send slot this delivery already holds (it was parked until then). */
  slot?: Slot;
}

export type AttemptResult =
  | { kind: 'finished'; outcome: 'delivered' | 'alreadyDelivered' | 'gone' | 'skipped' }
  /** Not an attempt: come back in `inMs`, holding `slot` if given (rate limit, or another worker's claim). */
  | { kind: 'wait'; inMs: number; slot?: Slot }
  | { kind: 'retry'; reason: string; afterMs?: number }
  | { kind: 'failed'; reason: string };

export interface DeliveryDeps {
  conversations: ConversationStore;
  sender: NotificationSender;
  limiter: RateLimiter;
  guard: DeliveryGuard;
  policy: DeliveryPolicy;
  log: Log;
}

/**
 * One go at a delivery, the same for the BullMQ worker and local mode's in-process delivery: re-read the
 * reference (a conversation removed meanwhile is skipped), take a send slot, claim the delivery, send, settle.
 */
export async function attemptDelivery(task: DeliveryTask, deps: DeliveryDeps): Promise<AttemptResult> {
  const { conversations, limiter, guard, policy } = deps;
  const ref = await conversations.get(task.event.accountId, task.conversationId);
  if (!ref) {
    if (task.slot) await limiter.release(task.slot);
    return { kind: 'finished', outcome: 'skipped' };
  }

  let held = task.slot;
  let token: string | undefined;
  for (;;) {
    const { slot, now } = await usableSlot(held, task.conversationId, ref.tenantId, limiter, policy);
    const wait = slot.at - now;
    // On this machine's clock, taken before anything else can delay it.
    const due = Date.now() + wait;
    if (wait > policy.sleepUpToMs) {
      if (token) await guard.release(task.deliveryId, token);
      return { kind: 'wait', inMs: wait - policy.wakeEarlyMs, slot };
    }
    if (!token) {
      token = randomUUID();
      const claim = await guard.claim(task.deliveryId, token, policy.claimTtlMs);
      if (claim.kind !== 'claimed') {
        await limiter.release(slot);
        return claim.kind === 'delivered'
          ? { kind: 'finished', outcome: 'alreadyDelivered' }
          : { kind: 'wait', inMs: claim.retryInMs };
      }
    }
    if (due > Date.now()) await sleep(due - Date.now());
    // A busy process can wake late; a late send would bunch up with the next slots, so take a new one.
    if (Date.now() - due <= policy.lateByMs) break;
    await limiter.release(slot);
    held = undefined;
  }

  const outcome = await sendSafely(deps.sender, ref, task.event);
  if (outcome.kind === 'delivered') {
    await settleDelivered(guard, task.deliveryId, token, policy, deps.log);
    return { kind: 'finished', outcome: 'delivered' };
  }
  await guard.release(task.deliveryId, token);
  switch (outcome.kind) {
    case 'gone':
      deps.log(`notification ${task.deliveryId}: conversation gone (${outcome.reason}), reference removed`);
      await conversations.remove(task.event.accountId, task.conversationId);
      return { kind: 'finished', outcome: 'gone' };
    case 'retry':
      return { kind: 'retry', reason: outcome.reason, afterMs: outcome.afterMs };
    case 'failed':
      return { kind: 'failed', reason: outcome.reason };
  }
}

/** The slot the delivery holds if it can still be kept, else a new one. */
async function usableSlot(
  held: Slot | undefined,
  conversationId: string,
  tenantId: string,
  limiter: RateLimiter,
  policy: DeliveryPolicy,
): Promise<{ slot: Slot; now: number }> {
  if (held) {
    const now = await limiter.now(held);
    if (now - held.at <= policy.lateByMs) return { slot: held, now };
    await limiter.release(held);
  }
  return limiter.reserve(conversationId, tenantId);
}

/** The sender maps every answer to an outcome; anything it throws is treated as "try again later". */
async function sendSafely(
  sender: NotificationSender,
  ref: Parameters<NotificationSender['send']>[0],
  event: NotificationEvent,
): Promise<DeliveryOutcome> {
  try {
    return await sender.send(ref, event);
  } catch (err) {
    return { kind: 'retry', reason: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Teams has the message now: the mark must be written, or a retry would send it again. A Redis blip gets a
 * few quick tries before the error goes up (the job then retries, and the claim keeps others off until it lapses).
 */
async function settleDelivered(
  guard: DeliveryGuard,
  deliveryId: string,
  token: string,
  policy: DeliveryPolicy,
  log: Log,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await guard.delivered(deliveryId, token, policy.deliveredKeepMs);
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
      log(`notification ${deliveryId}: delivered, but marking it failed; trying again`, err);
      await sleep(100 * attempt);
    }
  }
}
