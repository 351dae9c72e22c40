import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { config as loadEnvFile } from 'dotenv';

/** env/.env.<ENV_NAME> (default local), then its .user file for secrets; the process environment wins. */
export function loadEnvFiles(): void {
  const name = process.env.ENV_NAME ?? 'local';
  for (const file of [`env/.env.${name}.user`, `env/.env.${name}`]) {
    const path = resolve(process.cwd(), file);
    if (existsSync(path)) loadEnvFile({ path });
  }
}
