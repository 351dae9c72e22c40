/** Renders a run's results as the Markdown report bench/results/latest.md. */
import type { BenchResults } from './results';
import { FLOW_STEPS } from './flow';
import type { TurnRow } from './turns';

const n0 = (x: number) => x.toFixed(0);
const n1 = (x: number) => x.toFixed(1);
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export function renderReport(r: BenchResults): string {
  const parts = [
    `# npm run bench — ${r.startedAt}`,
    method(r),
    turns(r),
    flows(r),
    roundTrips(r),
    race(r),
    memory(r),
    notifications(r),
    budgets(r),
    profiles(r),
  ];
  return parts.filter(Boolean).join('\n\n') + '\n';
}

function method(r: BenchResults): string {
  const { machine: m } = r;
  return [
    '## How this was measured',
    '',
    `- Machine: ${m.cores} cores (${m.cpu}), Node ${m.node}, ${m.redis}. Load averages (1, 5, 15 min): ` +
      `${m.loadBefore} before, ${m.loadAfter ?? '?'} after — other work shares this machine.`,
    `- ${m.pinning}`,
    '- Inbound authentication on for every server: each activity carries a channel token minted by the sandbox ' +
      "and checked against its OpenID metadata and keys (botbuilder's validation in all three); replies go to " +
      "the sandbox's connector with an app token from its Entra ID emulator, which it checks.",
    `- Servers under test: the bot (\`${r.machine.botProcess ?? 'bot/index.ts'}\`, production mode, in-process notification ` +
      'workers unless noted), the echo bot (`bench/echoBot.ts`: CloudAdapter, ConversationState on MemoryStorage) ' +
      'and the floor (`bench/floor.ts`: bare restify handler, JWT check, one Redis GET and SET, the reply POST).',
    "- The sandbox connector's per-conversation rate limits are off for turns and flows (dozens of turns a second " +
      'in one conversation would be throttled) and on for the notification scenario, which is about them.',
    `- Total ${r.totalSeconds?.toFixed(0) ?? '?'} s; per scenario: ${Object.entries(r.durations)
      .map(([k, v]) => `${k} ${n0(v ?? 0)} s`)
      .join(', ')}. Options: \`${JSON.stringify(r.options)}\`.`,
  ].join('\n');
}

function turns(r: BenchResults): string {
  if (!r.turns) return '';
  const baseline = (server: string, connections: number) =>
    r.turns?.find((t) => t.server === server && t.figures.connections === connections)?.figures;
  const ratio = (row: TurnRow) => {
    if (row.server !== 'bot' && row.server !== 'candidate') return ['', '', ''];
    const echo = baseline('echo', row.figures.connections);
    const floor = baseline('floor', row.figures.connections);
    return [
      echo ? `${(row.figures.perSecond / echo.perSecond).toFixed(2)} ×` : '',
      floor ? pct(row.figures.perSecond / floor.perSecond) : '',
      floor ? `${(row.figures.p99Ms / floor.p99Ms).toFixed(2)} ×` : '',
    ];
  };
  return [
    '## 1. Message turns',
    '',
    'Closed loop: each connection is one personal chat (its own Manager) and sends its next message when the last ' +
      'is answered. `signInCode` is a 6-digit code typed with a sign-in in progress that the token service ' +
      'rejects (reads what the bot remembers, claims and releases the code in Redis, asks the token service). ' +
      'The three servers run side by side and the points are measured in interleaved rounds; each row is its ' +
      "best round. *CPU ms/turn* is the server's own CPU time per turn: it does not depend on how much of its " +
      'core other work left it. *core 0 / 1 busy* counts everything on each core: a load core near 100 % means ' +
      'the load side, not the server, set the pace.',
    '',
    table(
      [
        'server',
        'turn',
        'conversations',
        'turns/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'CPU ms/turn',
        'server CPU',
        'core 0 / 1 busy',
        '× echo',
        'of floor',
        'p99 / floor p99',
      ],
      r.turns.map((row) => [
        row.server,
        `\`${row.turn}\``,
        row.figures.connections,
        n0(row.figures.perSecond) + (row.figures.failures ? ` (${row.figures.failures} failed)` : ''),
        n1(row.figures.p50Ms),
        n1(row.figures.p95Ms),
        n1(row.figures.p99Ms),
        row.figures.cpuMsPerTurn.toFixed(2),
        pct(row.figures.serverCpu),
        row.figures.coreBusy.map(pct).join(' / '),
        ...ratio(row),
      ]),
    ),
  ].join('\n');
}

function flows(r: BenchResults): string {
  const f = r.flows;
  if (!f) return '';
  return [
    '## 2. Whole association flows',
    '',
    `${f.users} Managers at once, each in their own personal chat, each flow: \`associate tenant\` → the sandbox ` +
      'sign-in page (account picker, then the 6-digit code) → the code typed → review card → Confirm ' +
      '(`adaptiveCard/action`). Each step timed until the bot answered.',
    '',
    table(
      [
        'bot',
        'users',
        'flows',
        'seconds',
        'flows/s',
        'CPU ms/flow',
        'server CPU',
        'core 0 / 1 busy',
        'failures',
      ],
      [
        ['this checkout', f] as const,
        ...(r.candidateFlows ? [['candidate (--compare)', r.candidateFlows] as const] : []),
      ].map(([name, x]) => [
        name,
        x.users,
        x.flows,
        n1(x.seconds),
        n1(x.perSecond),
        n1((x.serverCpu * 1000) / x.perSecond),
        pct(x.serverCpu),
        x.coreBusy.map(pct).join(' / '),
        x.failures,
      ]),
    ),
    '',
    table(
      ['step', 'p50 ms', 'p95 ms', 'max ms'],
      FLOW_STEPS.map((step) => [
        step === 'signInPage' ? 'sign-in page (sandbox only)' : `\`${step}\``,
        n1(f.steps[step].p50Ms),
        n1(f.steps[step].p95Ms),
        n1(f.steps[step].maxMs),
      ]),
    ),
  ].join('\n');
}

function roundTrips(r: BenchResults): string {
  if (!r.roundTrips) return '';
  const list = (commands: Record<string, number>) =>
    Object.entries(commands)
      .map(([c, n]) => (n === 1 ? c.toUpperCase() : `${c.toUpperCase()} ×${n}`))
      .join(', ') || '—';
  return [
    '## 3. Redis round trips per turn',
    '',
    "Counted with MONITOR on the bench's private redis-server, turns one at a time between markers; commands run " +
      'by Lua scripts inside Redis cost no round trip and are listed apart. The bot ran with ' +
      '`NOTIFICATION_WORKERS=off` for this count, so delivery workers polling Redis are not in it.',
    '',
    table(
      ['server', 'turn', 'turns counted', 'round trips per turn', 'commands', 'inside scripts'],
      r.roundTrips.map((row) => [
        row.server,
        `\`${row.turn}\``,
        row.turns,
        row.perTurn,
        list(row.commands),
        list(row.inScripts),
      ]),
    ),
  ].join('\n');
}

function race(r: BenchResults): string {
  const x = r.race;
  if (!x) return '';
  return [
    '## 4. Concurrent Confirm clicks',
    '',
    `${x.clicks} Confirm clicks on one review card at once, alternating between ${x.processes} bot processes of one ` +
      'deployment (one Redis, one key prefix), both warm.',
    '',
    table(
      [
        'clicks',
        'associations',
        'completions audited',
        'notifications queued',
        'statuses',
        'p50 ms',
        'slowest ms',
      ],
      [
        [
          x.clicks,
          x.associations,
          x.completions,
          x.notifications,
          Object.entries(x.statuses)
            .map(([s, c]) => `${s} ×${c}`)
            .join(', '),
          n0(x.p50Ms),
          n0(x.slowestMs),
        ],
      ],
    ),
  ].join('\n');
}

function memory(r: BenchResults): string {
  const m = r.memory;
  if (!m) return '';
  return [
    '## 5. Memory',
    '',
    `RSS of the bot process (VmRSS): ${m.warmupFlows} warm-up flows, then ${m.flows} completed flows in ` +
      `${m.readings.length - 1} rounds at ${m.users} users (${n1(m.flowsPerSecond)} flows/s); after each, RSS as ` +
      `the system saw it, then a full GC (through the inspector) and RSS and V8 heap again. ${n0(m.seconds)} s in all` +
      (m.failures ? `; ${m.failures} flows failed (the errors are in the bench's output).` : '.'),
    '',
    table(
      ['', ...m.readings.map((_, i) => (i === 0 ? 'after warm-up' : `after round ${i}`))],
      [
        ['completed flows', ...m.readings.map((r) => r.flows)],
        ['RSS', ...m.readings.map((r) => mb(r.rssBytes))],
        [
          'V8 heap in use / reserved',
          ...m.readings.map((r) => `${mb(r.heapUsedBytes)} / ${mb(r.heapTotalBytes)}`),
        ],
        ['RSS after a full GC', ...m.readings.map((r) => mb(r.rssAfterGcBytes))],
        ['V8 heap after a full GC', ...m.readings.map((r) => mb(r.heapAfterGcBytes))],
        ['growth of RSS after GC', '', '', ...m.growth.map((g) => `${(g * 100).toFixed(1)} %`)],
      ],
    ),
  ].join('\n');
}

function notifications(r: BenchResults): string {
  const n = r.notifications;
  if (!n) return '';
  return [
    '## 6. Completion notifications',
    '',
    `One completed request told to ${n.recipients} conversations of one tenant through the outbox, the BullMQ ` +
      `queue and ${n.processes} worker process(es) on the server core, to the sandbox connector with Teams' limits on.`,
    '',
    table(
      [
        'delivered',
        'lost',
        'duplicated',
        '429s',
        'peak/s (limit 50)',
        'first message',
        'last message',
        'minimum',
        'ratio',
      ],
      [
        [
          n.delivered,
          n.lost,
          n.duplicated,
          n.throttled,
          n.tenantPeakPerSecond,
          `${n.firstMessageS.toFixed(2)} s`,
          `${n.tookS.toFixed(2)} s`,
          `${n.minimumS.toFixed(0)} s`,
          `${n.ratio.toFixed(3)} ×`,
        ],
      ],
    ),
  ].join('\n');
}

function budgets(r: BenchResults): string {
  if (!r.budgets?.length) return '';
  return [
    '## Budgets (DESIGN.md §8)',
    '',
    table(
      ['what', 'budget', 'measured', 'verdict'],
      r.budgets.map((v) => [v.what, v.budget, v.measured, v.pass ? 'PASS' : '**MISS**']),
    ),
  ].join('\n');
}

function profiles(r: BenchResults): string {
  if (!r.profiles?.length) return '';
  return [
    '## CPU profiles (`node --cpu-prof`, measured stretches only)',
    ...r.profiles.map((p) =>
      [
        '',
        `### ${p.server} — ${n1(p.busyMs / 1000)} s busy between ${n1(p.fromMs / 1000)} s and ${n1(p.toMs / 1000)} s`,
        '',
        table(
          ['package (total: once per stack)', 'share', 'function (self)', 'share'],
          p.byPackageTotal.map((line, i) => [
            line.name,
            pct(line.share),
            p.byFunction[i]?.name ?? '',
            p.byFunction[i] ? pct(p.byFunction[i].share) : '',
          ]),
        ),
      ].join('\n'),
    ),
  ].join('\n');
}
