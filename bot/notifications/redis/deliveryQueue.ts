import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { NotificationEvent } from '../../core/model';
import type { RedisKeys } from '../../redis/keys';
import { deliveryId } from '../deliveryIds';
import type { DeliveryPolicy } from '../deliveryPolicy';
import type { ConversationRef } from '../model';
import type { Slot } from '../rateLimiter';

export const DELIVERY_QUEUE = 'notifications';
/** Not one of BullMQ's built-in backoffs: the worker's own strategy (deliveryPolicy.retryDelayMs). */
const TEAMS_BACKOFF = 'teams';
const JOB_NAME = 'deliver';

export interface DeliveryJobData {
  event: NotificationEvent;
  conversationId: string;
  /** Set while the job is parked until its send slot. */
  slot?: Slot;
}

export function openDeliveryQueue(connection: ConnectionOptions, keys: RedisKeys): Queue<DeliveryJobData> {
  return new Queue<DeliveryJobData>(DELIVERY_QUEUE, { connection, prefix: keys.queuePrefix });
}

/**
 * Queues one job per recipient. The job id is the delivery's idempotency key: BullMQ ignores a job whose id it
 * still holds, so a relay that queues the same event twice (it crashed before acknowledging) changes nothing.
 */
export async function enqueueDeliveries(
  queue: Queue<DeliveryJobData>,
  event: NotificationEvent,
  recipients: ConversationRef[],
  policy: DeliveryPolicy,
): Promise<void> {
  if (recipients.length === 0) return;
  const opts: JobsOptions = {
    attempts: policy.attempts,
    backoff: { type: TEAMS_BACKOFF },
    removeOnComplete: { age: policy.keepCompletedSeconds, count: policy.keepCompletedCount },
    // Failed jobs are the dead letters: kept until an operator deals with them.
    removeOnFail: false,
  };
  await queue.addBulk(
    recipients.map((ref) => ({
      name: JOB_NAME,
      data: { event, conversationId: ref.conversationId },
      opts: { ...opts, jobId: deliveryId(event.id, ref.conversationId) },
    })),
  );
}
