import { startApp, type RunningApp } from './app';
import type { Config } from './config';
import { configFromEnvironment } from './environment';
import { startLocalSandbox } from './localSandbox';
import { consoleLog } from './log';

async function main(): Promise<void> {
  const config = configFromEnvironment();
  const closers: (() => Promise<void>)[] = [];
  let app: RunningApp;
  if (config.localMode) {
    const sandbox = await startLocalSandbox(config);
    closers.push(() => sandbox.close());
    app = await startApp(sandbox.config, { seedMembers: sandbox.members });
    announceLocal(app, sandbox.config, sandbox.teamsHostUrl);
  } else {
    app = await startApp(config);
    consoleLog(`Bot listening on ${config.host}:${app.port} (/api/messages), storage: ${app.storage}`);
  }
  closers.unshift(() => app.close());

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    consoleLog(`${signal}: shutting down`);
    for (const close of closers) await close().catch((error) => consoleLog('shutdown step failed', error));
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
