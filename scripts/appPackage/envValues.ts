import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { parse } from 'dotenv';
import { LOCAL_VALUES } from './localValues';

export interface EnvSource {
  envName: string;
  /** The folder of the env files, `env/` in the repository. */
  envDir: string;
  /** The process environment. */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * The values for the manifest's placeholders, as `npm start` reads its own: the process environment wins
 * over env/.env.<name>.user, which wins over env/.env.<name>; for `local`, the build's defaults fill the
 * rest. An empty value counts as unset, because env/.env.dev is committed with its values empty.
 */
export function packageValues({ envName, envDir, env }: EnvSource): Record<string, string> {
  const layers = [
    envName === 'local' ? LOCAL_VALUES : {},
    readEnvFile(envFilePath(envDir, envName)),
    readEnvFile(`${envFilePath(envDir, envName)}.user`),
    env,
  ];
  const values: Record<string, string> = {};
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer)) if (value) values[name] = value;
  }
  return values;
}

export function envFilePath(envDir: string, envName: string): string {
  return join(envDir, `.env.${envName}`);
}

/** A path as the person running the build would type it: relative to where they are, when it is below. */
export function displayPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere.startsWith('..') || isAbsolute(fromHere) ? path : fromHere;
}

function readEnvFile(path: string): Record<string, string> {
  return existsSync(path) ? parse(readFileSync(path)) : {};
}
