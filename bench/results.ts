/** What one `npm run bench` measured: written to bench/results/latest.json, rendered to latest.md. */
import type { RaceFigures } from './confirmRace';
import type { FlowFigures } from './flows';
import type { MemoryFigures } from './memory';
import type { NotificationFigures } from './notifications';
import type { ProfileReport } from './profiles';
import type { RoundTripRow } from './roundTrips';
import type { TurnRow } from './turns';

export const SCENARIOS = ['turns', 'flows', 'redis', 'race', 'memory', 'notifications'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchResults {
  startedAt: string;
  finishedAt?: string;
  machine: {
    cores: number;
    cpu: string;
    node: string;
    redis: string;
    /** `uptime`'s load averages (1, 5, 15 min) before and after the run: other work on the machine. */
    loadBefore: string;
    loadAfter?: string;
    pinning: string;
    /** How the bot under test was started. */
    botProcess?: string;
  };
  options: Record<string, unknown>;
  /** Seconds each scenario took, start-ups included. */
  durations: Partial<Record<ScenarioName, number>>;
  totalSeconds?: number;
  turns?: TurnRow[];
  flows?: FlowFigures;
  /** With --compare: the other checkout's bot in the same flow scenario. */
  candidateFlows?: FlowFigures;
  roundTrips?: RoundTripRow[];
  race?: RaceFigures;
  memory?: MemoryFigures;
  notifications?: NotificationFigures;
  profiles?: ProfileReport[];
  budgets?: Verdict[];
}

export interface Verdict {
  what: string;
  budget: string;
  measured: string;
  pass: boolean;
}
