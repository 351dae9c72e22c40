import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { config as loadEnvFile } from 'dotenv';
import { ConfigError, loadConfig, type Config } from './config';

/** env/.env.<ENV_NAME> (default local), then its .user file for secrets; the process environment wins. */
function loadEnvFiles(): void {
  const name = process.env.ENV_NAME ?? 'local';
  for (const file of [`env/.env.${name}.user`, `env/.env.${name}`]) {
    const path = resolve(process.cwd(), file);
    if (existsSync(path)) loadEnvFile({ path });
  }
}

/** The configuration of this process, or a one-line message naming the bad variable and exit 1. */
export function configFromEnvironment(): Config {
  loadEnvFiles();
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
