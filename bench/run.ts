/**
 * npm run bench: every scenario of issue 11 against a private Redis with inbound authentication on, for the bot
 * and the two baselines (bench/echoBot.ts, bench/floor.ts), each server pinned to its own core; writes
 * bench/results/latest.json and latest.md. `npm run bench -- --help` lists the options.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as prettier from 'prettier';
import { join } from 'node:path';
import { verdicts } from './budgets';
import { compileBot } from './compile';
import { raceConfirms } from './confirmRace';
import { measureFlows } from './flows';
import { loadAverage } from './machine';
import { measureMemory } from './memory';
import { runNotificationBench } from './notifications';
import { parseOptions, type BenchOptions } from './options';
import { ProfileWindows } from './profiles';
import { renderReport } from './report';
import type { BenchResults, ScenarioName } from './results';
import { countRoundTrips } from './roundTrips';
import { RESULTS_DIR } from './serverProcess';
import { LOAD_CORE, SERVER_CORE } from './servers';
import { startStage, type Stage } from './stage';
import { measureTurns } from './turns';

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  pinToLoadCore();
  const began = performance.now();
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    machine: {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      redis: execFileSync('redis-server', ['--version']).toString().split(' ').slice(0, 3).join(' '),
      loadBefore: loadAverage(),
      pinning:
        `taskset: the load generator (autocannon and the flow drivers), the sandbox and redis-server on core ${LOAD_CORE}; ` +
        `the server under test (bot, echo bot, floor, notification workers) on core ${SERVER_CORE}.`,
    },
    options: { ...options },
    durations: {},
  };
  const profiles = new ProfileWindows(options.profile);
  const compiled = options.runtime === 'compiled';
  const botEntry = compiled ? await compileBot() : 'bot/index.ts';
  results.machine.botProcess = [
    'node',
    ...options.botNodeOptions,
    ...(compiled ? [] : ['--import tsx']),
    botEntry,
  ].join(' ');
  const candidateEntry = !options.compare
    ? undefined
    : compiled
      ? await compileBot(options.compare, 'candidate')
      : join(options.compare, 'bot', 'index.ts');
  const stage = await startStage({
    botEntry,
    ...(candidateEntry ? { candidateEntry } : {}),
    botNodeArgs: options.botNodeOptions,
  });
  try {
    for (const scenario of options.only) {
      console.log(`\n${scenario} (load ${loadAverage()})`);
      const started = performance.now();
      await runScenario(scenario, stage, options, profiles, results);
      results.durations[scenario] = (performance.now() - started) / 1000;
      // Written after every scenario, so a run that fails late still leaves what it measured.
      await write(results, options.out ?? RESULTS_DIR);
    }
  } finally {
    await stage.close();
  }
  results.profiles = profiles.reports();
  results.finishedAt = new Date().toISOString();
  results.totalSeconds = (performance.now() - began) / 1000;
  results.machine.loadAfter = loadAverage();
  results.budgets = verdicts(results);
  await write(results, options.out ?? RESULTS_DIR);
  for (const v of results.budgets) console.log(`  ${v.pass ? 'PASS' : 'MISS'}  ${v.what}: ${v.measured}`);
  console.log(
    `\n${options.out ?? RESULTS_DIR}/latest.md, latest.json (${results.totalSeconds.toFixed(0)} s)`,
  );
}

async function runScenario(
  scenario: ScenarioName,
  stage: Stage,
  options: BenchOptions,
  profiles: ProfileWindows,
  results: BenchResults,
): Promise<void> {
  switch (scenario) {
    case 'turns':
      results.turns = await measureTurns(stage, {
        concurrency: options.concurrency,
        durationS: options.turnSeconds,
        warmupS: options.warmupSeconds,
        rounds: options.turnRounds,
        profiles,
      });
      return;
    case 'flows': {
      const measured = await measureFlows(stage, {
        users: options.flowUsers,
        durationS: options.flowSeconds,
        profiles,
      });
      results.flows = measured.bot;
      if (measured.candidate) results.candidateFlows = measured.candidate;
      return;
    }
    case 'redis':
      results.roundTrips = await countRoundTrips(stage, { turns: options.roundTripTurns });
      return;
    case 'race':
      results.race = await raceConfirms(stage, { clicks: options.confirmClicks });
      return;
    case 'memory':
      results.memory = await measureMemory(stage, {
        flows: options.memoryFlows,
        rounds: 3,
        users: options.memoryUsers,
        warmupFlows: Math.min(500, Math.ceil(options.memoryFlows / 10)),
        maxSeconds: options.memoryMaxSeconds,
        profiles,
      });
      return;
    case 'notifications':
      results.notifications = await runNotificationBench({
        recipients: options.notificationRecipients,
        processes: 1,
        redisUrl: stage.redis.url,
      });
      return;
  }
}

/**
 * This process is the load side: it, and everything it starts without taskset (redis-server, the notification
 * bench's sandbox), runs on the load core. `taskset -a` moves every thread already running.
 */
function pinToLoadCore(): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
  const allowed = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  if (allowed !== String(LOAD_CORE))
    throw new Error(`could not pin the bench to core ${LOAD_CORE} (${allowed})`);
}

/** Both files as Prettier would write them, so `npm run lint` (prettier --check .) stays clean after a run. */
async function write(results: BenchResults, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['latest.json', JSON.stringify(results, null, 2)],
    ['latest.md', renderReport(results)],
  ];
  for (const [name, text] of files) {
    const path = join(dir, name);
    const config = (await prettier.resolveConfig(path)) ?? {};
    writeFileSync(path, await prettier.format(text, { ...config, filepath: path }));
  }
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    // Anything still open (a keep-alive socket, a forgotten timer) must not keep the bench from ending.
    setTimeout(() => process.exit(), 1_000).unref();
  });
