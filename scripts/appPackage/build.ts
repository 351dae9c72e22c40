import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { displayPath, envFilePath, packageValues } from './envValues';
import { InvalidManifestError, MissingValuesError } from './errors';
import { manifestSchemaErrors } from './manifestSchema';
import { placeholderNames, renderManifest, type Manifest } from './manifestTemplate';
import { teamsRuleErrors } from './teamsRules';
import { zipFiles } from './zip';

const ROOT = join(__dirname, '..', '..');
const SOURCE = join(ROOT, 'appPackage');

export interface BuildOptions {
  /** Which env/.env.<name> fills the template; `local` (the default of `npm run package`) needs none. */
  envName: string;
  /** The process environment, which wins over the env files. */
  env?: Readonly<Record<string, string | undefined>>;
  envDir?: string;
  outDir?: string;
}

export interface AppPackage {
  zipPath: string;
  /** The manifest.json in the zip, as an object. */
  manifest: Manifest;
}

/**
 * appPackage/manifest.json filled from the environment's values, checked against Microsoft's schema and
 * Teams' own rules, and zipped with the icons into <outDir>/appPackage.<envName>.zip: the file to upload to
 * Teams. Throws MissingValuesError (every missing variable, and the file to set them in) or
 * InvalidManifestError (every problem) before writing anything.
 */
export function buildAppPackage({
  envName,
  env = process.env,
  envDir = join(ROOT, 'env'),
  outDir = join(SOURCE, 'build'),
}: BuildOptions): AppPackage {
  const template = readFileSync(join(SOURCE, 'manifest.json'), 'utf8');
  const values = packageValues({ envName, envDir, env });
  const missing = placeholderNames(template).filter((name) => !values[name]);
  if (missing.length > 0) {
    throw new MissingValuesError(envName, missing, displayPath(envFilePath(envDir, envName)));
  }

  const manifest = renderManifest(template, values);
  const schemaErrors = manifestSchemaErrors(manifest);
  const problems = schemaErrors.length > 0 ? schemaErrors : teamsRuleErrors(manifest);
  if (problems.length > 0) throw new InvalidManifestError(problems);

  // The icons under the names the manifest gives them, so the package holds exactly what it refers to.
  const icons = manifest.icons as { color: string; outline: string };
  const zip = zipFiles([
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
    ...[icons.color, icons.outline].map((name) => ({ name, data: readFileSync(join(SOURCE, name)) })),
  ]);
  mkdirSync(outDir, { recursive: true });
  const zipPath = join(outDir, `appPackage.${envName}.zip`);
  writeFileSync(zipPath, zip);
  return { zipPath, manifest };
}
