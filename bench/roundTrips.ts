/**
 * Scenario 3: Redis round trips per turn, counted with MONITOR on the bench's private redis-server. Turns are
 * sent one at a time with a marker (an ECHO from the bench's own connection) before each, so every command
 * Redis executes between two markers belongs to one turn. Commands a Lua script runs inside Redis are listed
 * apart: they cost no round trip. The bot runs with NOTIFICATION_WORKERS=off here (as beside `npm run worker`
 * processes), so the count is the turn's own work and not the delivery workers' polling.
 */
import type { Redis } from 'ioredis';
import { messageIn, personalChats } from './conversations';
import { deploymentOf } from './deployment';
import { cardOf, oauthLink } from '../tests/support/teamsChannel';
import { openReview, seatsFor } from './flow';
import type { RunningServer } from './serverProcess';
import { startBaseline, startBot } from './servers';
import type { Stage } from './stage';
import { REJECTED_CODE } from './turns';

export interface RoundTripRow {
  server: 'bot' | 'echo' | 'floor';
  turn: string;
  turns: number;
  /** Commands sent to Redis (round trips), per turn. */
  perTurn: number;
  /** command -> times per turn, e.g. { mget: 1, evalsha: 1 }. */
  commands: Record<string, number>;
  /** Commands run by Lua scripts inside Redis, per turn (no round trip). */
  inScripts: Record<string, number>;
}

interface Seen {
  source: string;
  args: string[];
}

const MARKER = 'bench-marker';

export async function countRoundTrips(stage: Stage, options: { turns: number }): Promise<RoundTripRow[]> {
  const rows: RoundTripRow[] = [];
  for (const kind of ['floor', 'echo'] as const) {
    const server = await startBaseline(stage, kind);
    try {
      const teams = stage.teams(server.origin);
      const [chat] = personalChats(stage, teams, 1);
      rows.push(
        ...(await monitored(stage, options.turns, kind, {
          echo: () => teams.post(messageIn(teams, chat, 'hello')).then(expectOk),
        })),
      );
    } finally {
      await server.stop();
    }
  }
  const prefix = stage.prefix('redis');
  const bot = await startBot(stage, 'bot-redis', { prefix, env: { NOTIFICATION_WORKERS: 'off' } });
  try {
    rows.push(...(await countBotTurns(stage, bot, prefix, options.turns)));
  } finally {
    await bot.stop();
  }
  return rows;
}

async function countBotTurns(
  stage: Stage,
  bot: RunningServer,
  prefix: string,
  turns: number,
): Promise<RoundTripRow[]> {
  const deployment = deploymentOf(stage, bot, prefix);
  const { teams } = deployment;
  const [chat] = personalChats(stage, teams, 1);
  const say = (text: string) => () =>
    teams.say(chat.manager.user, chat.conversation, text).then(() => undefined);
  // Once through everything first: scripts loaded (EVALSHA, not EVAL), tokens fetched, members bootstrapped.
  await say('help')();
  await say('tenants')();
  const [seat] = seatsFor(deployment, stage.managers.slice(1, 2));
  const warm = await openReview(deployment, seat);
  await teams.press(seat.manager.user, seat.conversation, warm.card, 'confirm');
  await stage.client.hdel(deployment.keys.associations(deployment.accountId), seat.manager.tenant.id);
  await say('associate tenant')();

  const messageRows = await monitored(stage, turns, 'bot', {
    help: say('help'),
    tenants: say('tenants'),
    signInCode: say(REJECTED_CODE),
  });

  // The flow's own turns, each in its own window: associate, the code that opens the review, Confirm.
  const flowSeen: Record<'associate' | 'code' | 'confirm', Seen[][]> = {
    associate: [],
    code: [],
    confirm: [],
  };
  const { user } = seat.manager;
  const monitor = await startMonitor(stage.client);
  try {
    for (let i = 0; i < turns; i++) {
      let window = await monitor.mark();
      const [prompt] = await teams.say(user, seat.conversation, 'associate tenant');
      flowSeen.associate.push(await monitor.since(window));
      const code = await stage.sandbox.tokenService.chooseAccount(
        oauthLink(prompt) ?? '',
        seat.manager.signInUpn,
      );
      window = await monitor.mark();
      const card = (await teams.say(user, seat.conversation, code)).find((a) => cardOf(a));
      flowSeen.code.push(await monitor.since(window));
      if (!card) throw new Error('no review card');
      window = await monitor.mark();
      await teams.press(user, seat.conversation, card, 'confirm').then(expectOk);
      flowSeen.confirm.push(await monitor.since(window));
      await stage.client.hdel(deployment.keys.associations(deployment.accountId), seat.manager.tenant.id);
    }
  } finally {
    await monitor.stop();
  }
  const flowRows = Object.entries(flowSeen).map(([turn, windows]) => rowOf('bot', `flow: ${turn}`, windows));
  return [...messageRows, ...flowRows];
}

/** Runs each action `turns` times, one at a time, and counts what Redis saw in each. */
async function monitored(
  stage: Stage,
  turns: number,
  server: RoundTripRow['server'],
  actions: Record<string, () => Promise<void>>,
): Promise<RoundTripRow[]> {
  const monitor = await startMonitor(stage.client);
  const rows: RoundTripRow[] = [];
  try {
    for (const [turn, act] of Object.entries(actions)) {
      const windows: Seen[][] = [];
      for (let i = 0; i < turns; i++) {
        const window = await monitor.mark();
        await act();
        windows.push(await monitor.since(window));
      }
      rows.push(rowOf(server, turn, windows));
    }
  } finally {
    await monitor.stop();
  }
  return rows;
}

function rowOf(server: RoundTripRow['server'], turn: string, windows: Seen[][]): RoundTripRow {
  const commands = new Map<string, number>();
  const inScripts = new Map<string, number>();
  let sent = 0;
  for (const seen of windows.flat()) {
    const counts = seen.source === 'lua' ? inScripts : commands;
    const name = seen.args[0].toLowerCase();
    counts.set(name, (counts.get(name) ?? 0) + 1);
    if (seen.source !== 'lua') sent++;
  }
  const perTurn = (counts: Map<string, number>) =>
    Object.fromEntries([...counts].map(([name, n]) => [name, round(n / windows.length)]));
  return {
    server,
    turn,
    turns: windows.length,
    perTurn: round(sent / windows.length),
    commands: perTurn(commands),
    inScripts: perTurn(inScripts),
  };
}

const round = (n: number): number => Math.round(n * 100) / 100;

interface Monitor {
  /** Sends a marker and resolves once MONITOR has seen it: what follows is the next window. */
  mark(): Promise<number>;
  /** Everything seen after `window`'s marker, up to a new marker (not the bench's own commands). */
  since(window: number): Promise<Seen[]>;
  stop(): Promise<void>;
}

async function startMonitor(client: Redis): Promise<Monitor> {
  const monitor = await client.monitor();
  const seen: Seen[] = [];
  const markers = new Map<number, number>(); // marker number -> index in `seen` where it was
  const waiting = new Map<number, () => void>();
  let benchSource: string | undefined;
  let next = 0;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const marker = args[0]?.toLowerCase() === 'echo' && args[1]?.startsWith(`${MARKER}:`);
    if (marker) {
      benchSource = source;
      const n = Number(args[1].slice(MARKER.length + 1));
      markers.set(n, seen.length);
      waiting.get(n)?.();
      return;
    }
    // The bench's own clean-up (an HDEL after Confirm) is not the bot's work.
    if (source !== benchSource) seen.push({ source, args });
  });
  const mark = async (): Promise<number> => {
    const n = next++;
    const arrived = new Promise<void>((resolve) => waiting.set(n, resolve));
    await client.echo(`${MARKER}:${n}`);
    await arrived;
    waiting.delete(n);
    return n;
  };
  return {
    mark,
    since: async (window) => {
      // A closing marker makes sure everything the turn did has reached this process.
      const end = await mark();
      return seen.slice(markers.get(window), markers.get(end));
    },
    stop: async () => {
      monitor.disconnect();
    },
  };
}

function expectOk(delivery: { status: number }): void {
  if (delivery.status >= 300) throw new Error(`the server answered ${delivery.status}`);
}
