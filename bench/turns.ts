/**
 * Scenario 1: message turns at 1, 10 and 50 concurrent conversations, for the bot (`help`, `tenants`, and a
 * sign-in code the token service rejects: it reads what the bot remembers, claims and gives back the code in
 * Redis, and asks the token service) and for the two baselines (a message they echo).
 *
 * The machine is shared with other work that comes and goes, so the three servers run side by side (only the
 * one under load is busy) and the points are measured in interleaved rounds: each server sees the same
 * stretches of interference. Each point reports its best round (the least disturbed); every round is kept in
 * latest.json.
 */
import { messageIn, personalChats, type BenchChat } from './conversations';
import { runLoad, type LoadFigures } from './load';
import type { ProfileWindows } from './profiles';
import type { RunningServer } from './serverProcess';
import { startBaseline, startBot } from './servers';
import type { Stage } from './stage';

export type TurnKind = 'help' | 'tenants' | 'signInCode' | 'echo';

export interface TurnRow {
  /** `candidate`: the --compare checkout's bot. */
  server: 'bot' | 'candidate' | 'echo' | 'floor';
  turn: TurnKind;
  /** The round with the most turns a second. */
  figures: LoadFigures;
  rounds: LoadFigures[];
}

export interface TurnOptions {
  concurrency: number[];
  durationS: number;
  warmupS: number;
  rounds: number;
  profiles: ProfileWindows;
}

/** A code the token service never issued: a turn that does all the bookkeeping of a typed code, then refuses. */
export const REJECTED_CODE = '123456';

const TEXT: Record<TurnKind, string> = {
  help: 'help',
  tenants: 'tenants',
  signInCode: REJECTED_CODE,
  echo: 'hello',
};

interface Target {
  server: RunningServer;
  name: TurnRow['server'];
  turn: TurnKind;
  chats: BenchChat[];
}

export async function measureTurns(stage: Stage, options: TurnOptions): Promise<TurnRow[]> {
  const most = Math.max(...options.concurrency);
  const profile = options.profiles.enabled;
  const servers = await Promise.all([
    startBaseline(stage, 'floor', { profile }),
    startBaseline(stage, 'echo', { profile }),
    startBot(stage, 'bot-turns', { prefix: stage.prefix('turns'), profile }),
    ...(stage.candidateEntry
      ? [
          startBot(stage, 'candidate-turns', {
            prefix: stage.prefix('candidate-turns'),
            profile,
            candidate: true,
          }),
        ]
      : []),
  ]);
  try {
    const [floor, echo, ...bots] = servers;
    const chatsOf = (server: RunningServer) => personalChats(stage, stage.teams(server.origin), most);
    const targets: Target[] = [
      { server: floor, name: 'floor', turn: 'echo', chats: chatsOf(floor) },
      { server: echo, name: 'echo', turn: 'echo', chats: chatsOf(echo) },
    ];
    const botChats = await Promise.all(
      bots.map(async (bot) => {
        const chats = chatsOf(bot);
        const teams = stage.teams(bot.origin);
        // Every conversation has a sign-in in progress, so a typed code is checked against it.
        await Promise.all(
          chats.map((chat) => teams.say(chat.manager.user, chat.conversation, 'associate tenant')),
        );
        return chats;
      }),
    );
    // The candidate right after the bot on each turn: the two see the same stretch of the machine's load.
    for (const turn of ['help', 'tenants', 'signInCode'] as const)
      bots.forEach((bot, i) =>
        targets.push({ server: bot, name: i === 0 ? 'bot' : 'candidate', turn, chats: botChats[i] }),
      );
    // JIT, connection pools and app tokens, before anything is measured.
    for (const server of servers)
      await load(
        stage,
        targets.find((t) => t.server === server)!,
        most,
        options.warmupS,
      );

    const rounds = new Map<string, LoadFigures[]>();
    for (let round = 0; round < options.rounds; round++) {
      for (const connections of options.concurrency) {
        for (const target of targets) {
          const figures = await options.profiles.around(target.server, () =>
            load(stage, target, connections, options.durationS),
          );
          // The sandbox keeps every reply; forgetting them keeps the load side's memory flat.
          stage.sandbox.connector.clear();
          const key = `${target.name}/${target.turn}/${connections}`;
          rounds.set(key, [...(rounds.get(key) ?? []), figures]);
          console.log(`  ${line(target, figures)}`);
        }
      }
    }
    return targets.flatMap((target) =>
      options.concurrency.map((connections) => {
        const measured = rounds.get(`${target.name}/${target.turn}/${connections}`) ?? [];
        const best = measured.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
        return { server: target.name, turn: target.turn, figures: best, rounds: measured };
      }),
    );
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

function load(stage: Stage, target: Target, connections: number, durationS: number): Promise<LoadFigures> {
  const teams = stage.teams(target.server.origin);
  return runLoad({
    server: target.server,
    connections,
    durationS,
    channelToken: stage.channelToken,
    activity: (i) => messageIn(teams, target.chats[i], TEXT[target.turn]),
  });
}

function line(target: Target, f: LoadFigures): string {
  return (
    `${target.name.padEnd(5)} ${target.turn.padEnd(10)} x${String(f.connections).padEnd(3)} ` +
    `${f.perSecond.toFixed(0).padStart(6)}/s  p50 ${f.p50Ms.toFixed(1)}  p95 ${f.p95Ms.toFixed(1)}  ` +
    `p99 ${f.p99Ms.toFixed(1)} ms  ${f.cpuMsPerTurn.toFixed(2)} cpu-ms/turn  ` +
    `cores ${f.coreBusy.map((c) => (c * 100).toFixed(0)).join('/')}%` +
    (f.failures ? `  FAILURES ${f.failures}` : '')
  );
}
