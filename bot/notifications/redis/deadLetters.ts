import type { Queue } from 'bullmq';
import type { DeadLetter } from '../ports';
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
