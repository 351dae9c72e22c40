/**
 * Scenario 4: 50 Confirm clicks on one review card at once, spread over two bot processes of one deployment
 * (one Redis, one key prefix): exactly one association must be made, and every click answered within 2 s.
 */
import { deploymentOf } from './deployment';
import { openReview, seatsFor } from './flow';
import { startBot } from './servers';
import type { Stage } from './stage';

export interface RaceFigures {
  clicks: number;
  processes: number;
  /** Associations of the tenant in the store afterwards (0 or 1). */
  associations: number;
  /** `association.completed` entries for the request in the audit stream. */
  completions: number;
  /** Notification events for the request in the outbox (exactly once, too). */
  notifications: number;
  statuses: Record<string, number>;
  slowestMs: number;
  p50Ms: number;
}

export async function raceConfirms(stage: Stage, options: { clicks: number }): Promise<RaceFigures> {
  const prefix = stage.prefix('race');
  // Delivery workers off, so the outbox still holds the event afterwards and can be counted.
  const env = { NOTIFICATION_WORKERS: 'off' };
  const [a, b] = await Promise.all([
    startBot(stage, 'bot-race-a', { prefix, env }),
    startBot(stage, 'bot-race-b', { prefix, env }),
  ]);
  try {
    const processes = [deploymentOf(stage, a, prefix), deploymentOf(stage, b, prefix)];
    const [warmSeatA, warmSeatB, seat] = seatsFor(processes[0], stage.managers.slice(0, 3));
    // Both processes warm (JIT, app token, connections), as in production: a cold start is another question.
    for (const [deployment, warm] of [
      [processes[0], warmSeatA],
      [processes[1], warmSeatB],
    ] as const) {
      for (let i = 0; i < 20; i++) await deployment.teams.say(warm.manager.user, warm.conversation, 'help');
    }
    const { card, requestId } = await openReview(processes[0], seat);
    const times: number[] = [];
    const statuses: Record<string, number> = {};
    await Promise.all(
      Array.from({ length: options.clicks }, async (_, i) => {
        const started = performance.now();
        const answer = await processes[i % 2].teams.press(
          seat.manager.user,
          seat.conversation,
          card,
          'confirm',
        );
        times.push(performance.now() - started);
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      }),
    );
    const { keys, accountId } = processes[0];
    const association = await stage.client.hget(keys.associations(accountId), seat.manager.tenant.id);
    const mentions = async (stream: string) =>
      (await stage.client.xrange(stream, '-', '+'))
        .map(([, fields]) => fields[1])
        .filter((event) => event.includes(requestId));
    const audit = await mentions(keys.audit(accountId));
    const outbox = await mentions(keys.outbox(accountId));
    times.sort((x, y) => x - y);
    return {
      clicks: options.clicks,
      processes: 2,
      associations: association ? 1 : 0,
      completions: audit.filter((event) => event.includes('"association.completed"')).length,
      notifications: outbox.length,
      statuses,
      slowestMs: times[times.length - 1],
      p50Ms: times[Math.floor(times.length / 2)],
    };
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}
