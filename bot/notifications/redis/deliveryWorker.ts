import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { RedisKeys } from '../../redis/keys';
import { attemptDelivery, type DeliveryDeps } from '../deliveryAttempt';
import { retryDelayMs } from '../deliveryPolicy';
import { DELIVERY_QUEUE, type DeliveryJobData } from './deliveryQueue';

/** A delivery worth another try; carries Teams' Retry-After to the backoff strategy. */
class RetryLater extends Error {
  constructor(
    reason: string,
    readonly afterMs?: number,
  ) {
    super(reason);
    this.name = 'RetryLater';
  }
}

/**
 * The BullMQ worker: one attempt per run. Waiting for a send slot or another worker's claim parks the job as
 * delayed without counting an attempt; 'retry' fails the attempt (BullMQ retries it after our backoff, then
 * keeps it as failed: a dead letter); 'failed' goes straight to the dead letters.
 */
export function startDeliveryWorker(
  connection: ConnectionOptions,
  keys: RedisKeys,
  deps: DeliveryDeps,
  concurrency: number,
): Worker<DeliveryJobData> {
  const { policy, log } = deps;
  const worker = new Worker<DeliveryJobData>(
    DELIVERY_QUEUE,
    async (job: Job<DeliveryJobData>, token?: string) => {
      const result = await attemptDelivery({ deliveryId: job.id as string, ...job.data }, deps);
      switch (result.kind) {
        case 'finished':
          return result.outcome;
        case 'wait':
          await job.updateData({
            event: job.data.event,
            conversationId: job.data.conversationId,
            slot: result.slot,
          });
          await job.moveToDelayed(Date.now() + result.inMs, token);
          throw new DelayedError();
        case 'retry':
          throw new RetryLater(result.reason, result.afterMs);
        case 'failed':
          throw new UnrecoverableError(result.reason);
      }
    },
    {
      connection,
      prefix: keys.queuePrefix,
      concurrency,
      lockDuration: policy.lockDurationMs,
      stalledInterval: policy.stalledIntervalMs,
      maxStalledCount: policy.maxStalledCount,
      settings: {
        backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
          retryDelayMs(policy, attemptsMade, err instanceof RetryLater ? err.afterMs : undefined),
      },
    },
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    const dead =
      err instanceof UnrecoverableError ||
      err.name === 'UnrecoverableError' ||
      job.attemptsMade >= policy.attempts;
    log(
      `notification ${job.id}: ${dead ? 'dead letter' : `attempt ${job.attemptsMade} failed, will retry`}`,
      err,
    );
  });
  worker.on('error', (err) => log('notification worker', err));
  return worker;
}
