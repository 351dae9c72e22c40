import { setTimeout as sleep } from 'node:timers/promises';
import { startApp, type RunningApp } from './app';
import type { Config } from './config';
import { configFromEnvironment } from './environment';
import { startLocalSandbox } from './localSandbox';
import { consoleLog, createLogger } from './log';
import { exitUnlessStoppedWithin } from './shutdown';

/**
 * How long a stop may take after SHUTDOWN_DELAY_SECONDS: turns in hand get 10 s, the notification workers'
 * close is bounded at a few times 5 s, Redis is quick to quit.
 */
const STOP_BOUND_MS = 40_000;

async function main(): Promise<void> {
  const config = configFromEnvironment();
  const log = createLogger({ level: config.logLevel, pretty: config.localMode, name: 'bot' });
  const closers: (() => Promise<void>)[] = [];
  let app: RunningApp;
  if (config.localMode) {
    const sandbox = await startLocalSandbox(config);
    closers.push(() => sandbox.close());
    app = await startApp(sandbox.config, { seedMembers: sandbox.members, log });
    announceLocal(app, sandbox.config, sandbox.teamsHostUrl);
  } else {
    app = await startApp(config, { log });
  }
  log.info('listening', { host: config.host, port: app.port, storage: app.storage });
  closers.unshift(() => app.close());

  // Readiness goes first, so the load balancer stops routing turns here while the listener still takes them;
  // then the listener closes, the turns and deliveries in hand finish, and Redis and the queue are closed.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    exitUnlessStoppedWithin(config.shutdownDelayMs + STOP_BOUND_MS, log);
    app.stopTakingWork();
    log.info('stopping: readiness is 503', { signal, delayMs: config.shutdownDelayMs });
    await sleep(config.shutdownDelayMs);
    log.info('stopping: the listener closes');
    for (const close of closers) await close().catch((error) => log('shutdown step failed', error));
    log.info('stopped', { durationMs: Date.now() - started });
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

function announceLocal(app: RunningApp, config: Config, teamsHostUrl: string): void {
  const tab = new URL(teamsHostUrl);
  tab.searchParams.set('user', 'nestor');
  tab.searchParams.set('app', `http://localhost:${app.port}/tab`);
  const lines = [
    '',
    `Tenant association bot (local mode) for "${config.account.displayName}"`,
    `  Bot endpoint:  ${app.origin}/api/messages   (no Azure, no authentication: loopback only)`,
    app.storage === 'memory'
      ? '  Storage:       MEMORY. Nothing survives a restart and processes share nothing. Set REDIS_URL to use Redis.'
      : '  Storage:       Redis (REDIS_URL)',
    `  Sign-in, Entra ID and Microsoft Graph: local sandbox with the demo tenants`,
    '',
    '  Chat with it:  npm run playground   (in another terminal), then type "associate tenant"',
    `  Tenants tab:   ${tab.href}`,
    '                 (a Teams host page; user=lidia, diego, … to open it as another demo person)',
    '',
  ];
  console.log(lines.join('\n'));
  if (app.storage === 'memory') console.warn('WARNING: storage is in memory (no REDIS_URL).');
}

main().catch((error) => {
  consoleLog('failed to start', error);
  process.exit(1);
});
