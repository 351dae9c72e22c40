import { performance } from 'node:perf_hooks';
import { inLogScope, scrub, type Logger } from './log';
import { deliveryId } from './notifications/deliveryIds';
import type { NotificationSender } from './notifications/ports';

/**
 * One `delivery` log line per send, under the delivery's id (the same on every attempt, in every process),
 * with what Teams answered and how long it took. The card's content (names, reasons) is not logged.
 */
export function loggedSender(sender: NotificationSender, log: Logger): NotificationSender {
  return {
    ...(sender.warmUp ? { warmUp: sender.warmUp.bind(sender) } : {}),
    send: (to, event) =>
      inLogScope({ deliveryId: deliveryId(event.id, to.conversationId) }, async () => {
        const started = performance.now();
        const fields = { event: event.kind, conversationType: to.kind };
        try {
          const outcome = await sender.send(to, event);
          log.info('delivery', {
            ...fields,
            outcome: outcome.kind,
            ...('reason' in outcome ? { reason: scrub(outcome.reason) } : {}),
            durationMs: Math.round(performance.now() - started),
          });
          return outcome;
        } catch (error) {
          log('delivery failed', error);
          throw error;
        }
      }),
  };
}
