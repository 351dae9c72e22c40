/** Scenario 2: whole association flows at 10 concurrent users — flows a second, and p95 of each step. */
import { deploymentOf, type Deployment } from './deployment';
import {
  associateTenant,
  FLOW_STEPS,
  seatsFor,
  type FlowSeat,
  type FlowStep,
  type FlowTimings,
} from './flow';
import { percentile } from './load';
import { coreBusy, coreTimes } from './machine';
import type { ProfileWindows } from './profiles';
import { startBot } from './servers';
import type { Stage } from './stage';

export interface FlowFigures {
  users: number;
  flows: number;
  seconds: number;
  perSecond: number;
  steps: Record<FlowStep, { p50Ms: number; p95Ms: number; maxMs: number }>;
  serverCpu: number;
  coreBusy: number[];
  failures: number;
}

/**
 * The bot (and with --compare the candidate beside it), warmed up, then measured in two interleaved rounds of
 * half the time each; each reports its better round.
 */
export async function measureFlows(
  stage: Stage,
  options: { users: number; durationS: number; profiles: ProfileWindows },
): Promise<{ bot: FlowFigures; candidate?: FlowFigures }> {
  const profile = options.profiles.enabled;
  const names = stage.candidateEntry ? (['bot', 'candidate'] as const) : (['bot'] as const);
  const deployments = await Promise.all(
    names.map(async (name) => {
      const prefix = stage.prefix(`${name}-flows`);
      const server = await startBot(stage, `${name}-flows`, {
        prefix,
        profile,
        candidate: name === 'candidate',
      });
      return deploymentOf(stage, server, prefix);
    }),
  );
  try {
    const seats = deployments.map((d) => seatsFor(d, stage.managers.slice(0, options.users)));
    // Warm-up: every seat once (JIT, app tokens, Graph and token service connections).
    for (const [i, deployment] of deployments.entries())
      await Promise.all(seats[i].map((seat) => associateTenant(deployment, seat)));
    stage.sandbox.connector.clear();
    const rounds: FlowFigures[][] = deployments.map(() => []);
    for (let round = 0; round < 2; round++) {
      for (const [i, deployment] of deployments.entries()) {
        const figures = await options.profiles.around(deployment.server, () =>
          flowsFor(deployment, seats[i], { durationS: options.durationS / 2 }),
        );
        stage.sandbox.connector.clear();
        rounds[i].push(figures);
        console.log(`  ${names[i]}: ${figures.flows} flows, ${figures.perSecond.toFixed(1)}/s`);
      }
    }
    const best = rounds.map((r) => r.reduce((a, b) => (b.perSecond > a.perSecond ? b : a)));
    return { bot: best[0], ...(best[1] ? { candidate: best[1] } : {}) };
  } finally {
    await Promise.all(deployments.map((d) => d.server.stop()));
  }
}

/** Every seat goes through flows back to back until the time is up (or `count` flows are done). */
export async function flowsFor(
  deployment: Deployment,
  seats: FlowSeat[],
  limit: { durationS?: number; count?: number },
): Promise<FlowFigures> {
  const timings: FlowTimings[] = [];
  let failures = 0;
  let started = 0;
  const cpuBefore = deployment.server.cpuSeconds();
  const coresBefore = coreTimes();
  const begin = performance.now();
  const deadline = begin + (limit.durationS ?? Infinity) * 1000;
  const more = () =>
    performance.now() < deadline && (limit.count === undefined || started < limit.count) && failures < 10;
  await Promise.all(
    seats.map(async (seat) => {
      while (more()) {
        started++;
        try {
          timings.push(await associateTenant(deployment, seat));
        } catch (error) {
          failures++;
          console.error(`  flow failed: ${String(error).slice(0, 300)}`);
        }
      }
    }),
  );
  const seconds = (performance.now() - begin) / 1000;
  const steps = Object.fromEntries(
    FLOW_STEPS.map((step) => {
      const sorted = timings.map((t) => t[step]).sort((a, b) => a - b);
      return [
        step,
        {
          p50Ms: percentile(sorted, 0.5),
          p95Ms: percentile(sorted, 0.95),
          maxMs: sorted[sorted.length - 1] ?? 0,
        },
      ];
    }),
  ) as FlowFigures['steps'];
  return {
    users: seats.length,
    flows: timings.length,
    seconds,
    perSecond: timings.length / seconds,
    steps,
    serverCpu: (deployment.server.cpuSeconds() - cpuBefore) / seconds,
    coreBusy: coreBusy(coresBefore, coreTimes()),
    failures,
  };
}
