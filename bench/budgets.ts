/** DESIGN.md §8's budgets, each checked against what this run measured. */
import { NOTIFICATION_BUDGET_RATIO, notificationsPass } from './notifications';
import type { BenchResults, Verdict } from './results';
import type { TurnRow } from './turns';

export const BUDGET = {
  concurrency: 50,
  timesEcho: 3,
  shareOfFloor: 0.4,
  p99TimesFloor: 2,
  roundTripsPerTurn: 2,
  confirmSlowestMs: 2_000,
  rssBytes: 200 * 2 ** 20,
  growthPerRound: 0.05,
  memoryFlows: 10_000,
  scenarioSeconds: 120,
  totalSeconds: 600,
};

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function verdicts(results: BenchResults): Verdict[] {
  return [
    ...turnVerdicts(results.turns ?? []),
    ...roundTripVerdicts(results),
    ...raceVerdicts(results),
    ...memoryVerdicts(results),
    ...notificationVerdicts(results),
    ...durationVerdicts(results),
  ];
}

function turnVerdicts(rows: TurnRow[]): Verdict[] {
  const at = (server: string, turn?: string) =>
    rows.find(
      (r) =>
        r.server === server && (!turn || r.turn === turn) && r.figures.connections === BUDGET.concurrency,
    )?.figures;
  const echo = at('echo');
  const floor = at('floor');
  if (!echo || !floor) return [];
  return rows
    .filter((r) => r.server === 'bot' && r.figures.connections === BUDGET.concurrency)
    .flatMap(({ turn, figures }) => [
      {
        what: `\`${turn}\` throughput at ${BUDGET.concurrency} conversations vs the echo bot`,
        budget: `≥ ${BUDGET.timesEcho} × echo`,
        measured: `${(figures.perSecond / echo.perSecond).toFixed(2)} × (${figures.perSecond.toFixed(0)} vs ${echo.perSecond.toFixed(0)}/s)`,
        pass: figures.perSecond >= BUDGET.timesEcho * echo.perSecond && figures.failures === 0,
      },
      {
        what: `\`${turn}\` throughput at ${BUDGET.concurrency} conversations vs the floor`,
        budget: `≥ ${BUDGET.shareOfFloor * 100} % of the floor`,
        measured: `${pct(figures.perSecond / floor.perSecond)} (${figures.perSecond.toFixed(0)} vs ${floor.perSecond.toFixed(0)}/s)`,
        pass: figures.perSecond >= BUDGET.shareOfFloor * floor.perSecond && figures.failures === 0,
      },
      {
        what: `\`${turn}\` p99 at ${BUDGET.concurrency} conversations`,
        budget: `≤ ${BUDGET.p99TimesFloor} × the floor's p99`,
        measured: `${(figures.p99Ms / floor.p99Ms).toFixed(2)} × (${figures.p99Ms.toFixed(1)} vs ${floor.p99Ms.toFixed(1)} ms)`,
        pass: figures.p99Ms <= BUDGET.p99TimesFloor * floor.p99Ms,
      },
    ]);
}

function roundTripVerdicts({ roundTrips = [] }: BenchResults): Verdict[] {
  return roundTrips
    .filter((r) => r.server === 'bot')
    .map((r) => ({
      what: `Redis round trips, \`${r.turn}\``,
      budget: `≤ ${BUDGET.roundTripsPerTurn} per turn`,
      measured: `${r.perTurn} (${
        Object.entries(r.commands)
          .map(([c, n]) => (n === 1 ? c.toUpperCase() : `${c.toUpperCase()} ×${n}`))
          .join(', ') || 'none'
      })`,
      pass: r.perTurn <= BUDGET.roundTripsPerTurn,
    }));
}

function raceVerdicts({ race }: BenchResults): Verdict[] {
  if (!race) return [];
  const allOk = Object.keys(race.statuses).every((s) => s === '200');
  return [
    {
      what: `${race.clicks} concurrent Confirm clicks on one request, ${race.processes} processes`,
      budget: 'exactly 1 association; every response < 2 s',
      measured:
        `${race.associations} association, ${race.completions} completion audited, ${race.notifications} notification; ` +
        `slowest ${race.slowestMs.toFixed(0)} ms; statuses ${JSON.stringify(race.statuses)}`,
      pass:
        race.associations === 1 &&
        race.completions === 1 &&
        race.notifications === 1 &&
        race.slowestMs < BUDGET.confirmSlowestMs &&
        allOk,
    },
  ];
}

function memoryVerdicts({ memory }: BenchResults): Verdict[] {
  if (!memory) return [];
  // The ceiling on RSS as the system saw it (no GC forced); growth on what a full GC leaves.
  const last = memory.readings[memory.readings.length - 1].rssBytes;
  const complete = memory.flows >= BUDGET.memoryFlows;
  const failed = memory.failures ? ` (${memory.failures} failed flows: see §5)` : '';
  const note = (complete ? '' : ` — only ${memory.flows} of ${BUDGET.memoryFlows} flows`) + failed;
  return [
    {
      what: `RSS after ${memory.flows} completed flows`,
      budget: `≤ ${mb(BUDGET.rssBytes)} after ${BUDGET.memoryFlows}`,
      measured: `${mb(last)}${note}`,
      pass: complete && last <= BUDGET.rssBytes,
    },
    {
      what: 'RSS growth between rounds (after a full GC)',
      budget: `≤ ${pct(BUDGET.growthPerRound)} a round`,
      measured: memory.growth.map(pct).join(', ') + note,
      pass: complete && memory.growth.every((g) => g <= BUDGET.growthPerRound),
    },
  ];
}

function notificationVerdicts({ notifications: n }: BenchResults): Verdict[] {
  if (!n) return [];
  return [
    {
      what: `${n.recipients} completion notifications under Teams' limits`,
      budget: `0 lost, 0 duplicated, ≤ ${NOTIFICATION_BUDGET_RATIO} × the minimum`,
      measured: `${n.lost} lost, ${n.duplicated} duplicated, ${n.tookS.toFixed(2)} s = ${n.ratio.toFixed(3)} × ${n.minimumS.toFixed(0)} s; peak ${n.tenantPeakPerSecond}/s, ${n.throttled} × 429`,
      pass: notificationsPass(n),
    },
  ];
}

function durationVerdicts({ durations, totalSeconds }: BenchResults): Verdict[] {
  const scenarios = Object.entries(durations).map(([name, seconds]) => ({
    what: `scenario \`${name}\` duration`,
    budget: `< ${BUDGET.scenarioSeconds} s`,
    measured: `${(seconds ?? 0).toFixed(0)} s`,
    pass: (seconds ?? 0) < BUDGET.scenarioSeconds,
  }));
  return totalSeconds === undefined
    ? scenarios
    : [
        ...scenarios,
        {
          what: 'whole run duration',
          budget: `< ${BUDGET.totalSeconds} s`,
          measured: `${totalSeconds.toFixed(0)} s`,
          pass: totalSeconds < BUDGET.totalSeconds,
        },
      ];
}
