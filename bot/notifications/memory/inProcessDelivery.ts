import type { MemberStore } from '../../core/ports';
import type { Log } from '../../log';
import { attemptDelivery, type DeliveryTask } from '../deliveryAttempt';
import { deliveryId } from '../deliveryIds';
import { enforcedLimits, retryDelayMs, type DeliveryPolicy } from '../deliveryPolicy';
import type { DeadLetter, NotificationSender, NotificationStores } from '../ports';
import { RateLimiter } from '../rateLimiter';
import { recipientsOf } from '../recipients';
import { MemoryDeliveryGuard } from './deliveryGuard';
import { MemoryWindowLog } from './windowLog';

const POLL_MS = 250;

export interface InProcessDeliveryOptions {
  members: MemberStore;
  stores: NotificationStores;
  sender: NotificationSender;
  accountId: string;
  policy: DeliveryPolicy;
  log: Log;
}

/**
 * Local mode without Redis: the same attempts, limits and retries, run on timers in this process. Nothing
 * survives a restart, which local mode says at start.
 */
export function startInProcessDelivery(opts: InProcessDeliveryOptions) {
  const { members, stores, sender, accountId, policy, log } = opts;
  const limits = enforcedLimits(policy);
  const deps = {
    conversations: stores.conversations,
    sender,
    limiter: new RateLimiter(new MemoryWindowLog(limits)),
    guard: new MemoryDeliveryGuard(),
    policy,
    log,
  };
  const timers = new Set<NodeJS.Timeout>();
  const deadLetters: DeadLetter[] = [];
  let closed = false;
  let polling = false;

  const later = (ms: number, run: () => Promise<void>) => {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void run();
    }, ms);
    timers.add(timer);
  };

  const deliver = async (task: DeliveryTask, attempt: number): Promise<void> => {
    const result = await attemptDelivery(task, deps).catch((err: unknown) => ({
      kind: 'retry' as const,
      reason: String(err),
      afterMs: undefined,
    }));
    const dead = (reason: string) => {
      log(`notification ${task.deliveryId}: dead letter`, reason);
      const { event } = task;
      deadLetters.push({
        deliveryId: task.deliveryId,
        conversationId: task.conversationId,
        eventId: event.id,
        kind: event.kind,
        organization: event.orgDisplayName,
        reason,
        attempts: attempt,
        failedAt: new Date().toISOString(),
      });
    };
    switch (result.kind) {
      case 'wait':
        return later(result.inMs, () => deliver({ ...task, slot: result.slot }, attempt));
      case 'retry':
        if (attempt >= policy.attempts) return dead(result.reason);
        return later(retryDelayMs(policy, attempt, result.afterMs), () =>
          deliver({ ...task, slot: undefined }, attempt + 1),
        );
      case 'failed':
        return dead(result.reason);
    }
  };

  const poll = async () => {
    if (polling || closed) return;
    polling = true;
    try {
      const entries = await stores.outbox.pending(accountId, 50);
      for (const { event } of entries) {
        for (const ref of await recipientsOf(event, { members, conversations: stores.conversations })) {
          const task = {
            deliveryId: deliveryId(event.id, ref.conversationId),
            event,
            conversationId: ref.conversationId,
          };
          void deliver(task, 1);
        }
      }
      await stores.outbox.remove(
        accountId,
        entries.map((e) => e.id),
      );
    } catch (err) {
      log('notifications: reading the outbox failed; will try again', err);
    } finally {
      polling = false;
    }
  };
  const interval = setInterval(() => void poll(), POLL_MS);

  return {
    deadLetters: async () => [...deadLetters],
    close: async () => {
      closed = true;
      clearInterval(interval);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
