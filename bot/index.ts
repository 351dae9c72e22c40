import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { config as loadEnvFile } from 'dotenv';
import { startApp, type RunningApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { consoleLog } from './log';

/** env/.env.<ENV_NAME> (default local), then its .user file for secrets; the process environment wins. */
function loadEnvFiles(): void {
  const name = process.env.ENV_NAME ?? 'local';
  for (const file of [`env/.env.${name}.user`, `env/.env.${name}`]) {
    const path = resolve(process.cwd(), file);
    if (existsSync(path)) loadEnvFile({ path });
  }
}

async function main(): Promise<void> {
  loadEnvFiles();
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  const closers: (() => Promise<void>)[] = [];
  let app: RunningApp;
  if (config.localMode) {
    const { startLocalMode } = await import('./localMode');
    const local = await startLocalMode(config);
    closers.push(() => local.sandbox.close());
    app = await startApp(local.config, { seedMembers: local.members });
    announceLocal(app, local.config);
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

function announceLocal(app: RunningApp, config: Config): void {
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
    '',
  ];
  console.log(lines.join('\n'));
  if (app.storage === 'memory') console.warn('WARNING: storage is in memory (no REDIS_URL).');
}

main().catch((error) => {
  consoleLog('failed to start', error);
  process.exit(1);
});
