import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { config as loadEnvFile } from 'dotenv';
import { manifestErrors, renderManifest } from './appPackage';

/** npm run package: env/.env.<ENV_NAME> -> appPackage/build/appPackage.<ENV_NAME>.zip, ready to upload to Teams. */
const envName = process.env.ENV_NAME ?? 'dev';
for (const file of [`env/.env.${envName}.user`, `env/.env.${envName}`]) {
  if (existsSync(file)) loadEnvFile({ path: file });
}
const manifest = renderManifest(process.env);
const errors = manifestErrors(manifest);
if (errors.length > 0) {
  console.error(`The manifest does not match the Teams schema:\n  ${errors.join('\n  ')}`);
  process.exit(1);
}
const out = join('appPackage', 'build');
const staging = join(out, envName);
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
for (const icon of ['color.png', 'outline.png']) copyFileSync(join('appPackage', icon), join(staging, icon));
const zip = join(out, `appPackage.${envName}.zip`);
rmSync(zip, { force: true });
execFileSync('zip', [
  '-j',
  '-q',
  zip,
  ...['manifest.json', 'color.png', 'outline.png'].map((f) => join(staging, f)),
]);
console.log(`Wrote ${zip}`);
