import type { Queue } from 'bullmq';
import type { DeadLetter, Requeued } from '../ports';
import type { DeliveryJobData } from './deliveryQueue';

export async function listDeadLetters(queue: Queue<DeliveryJobData>, limit = 100): Promise<DeadLetter[]> {
  const jobs = await queue.getFailed(0, Math.max(0, limit - 1));
  return jobs.map((job) => ({
    deliveryId: job.id as string,
    conversationId: job.data.conversationId,
    eventId: job.data.event.id,
    kind: job.data.event.kind,
    organization: job.data.event.orgDisplayName,
    reason: job.failedReason,
    attempts: job.attemptsMade,
    ...(job.finishedOn ? { failedAt: new Date(job.finishedOn).toISOString() } : {}),
  }));
}

/** Every dead letter there is now, taken before any is requeued: one that fails again is not taken twice. */
export async function deadLetterIds(queue: Queue<DeliveryJobData>): Promise<string[]> {
  const count = await queue.getFailedCount();
  if (count === 0) return [];
  const jobs = await queue.getFailed(0, count - 1);
  return jobs.map((job) => job.id as string);
}

/**
 * BullMQ moves a job out of the failed set and into the queue in one script, so of two operators requeuing
 * the same dead letter at once, one does and the other finds it no longer failed. A requeued delivery
 * gets all its attempts again, and the delivery guard still keeps it from being sent twice.
 */
export async function requeueDeadLetter(
  queue: Queue<DeliveryJobData>,
  deliveryId: string,
): Promise<Requeued['outcome']> {
  const job = await queue.getJob(deliveryId);
  if (!job) return 'unknown';
  try {
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return 'requeued';
  } catch (err) {
    // The script's refusal is told apart by the job's state, not by its words.
    if ((await queue.getJobState(deliveryId)) !== 'failed') return 'notADeadLetter';
    throw err;
  }
}
