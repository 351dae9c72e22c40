import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';

const ROOT = join(__dirname, '..');
const PLACEHOLDER = /\$\{\{([A-Z0-9_]+)\}\}/g;

/** The manifest template with every ${{NAME}} filled from `values`; a missing value is an error naming it. */
export function renderManifest(values: Record<string, string | undefined>): Record<string, unknown> {
  const template = readFileSync(join(ROOT, 'appPackage', 'manifest.json'), 'utf8');
  const missing = new Set<string>();
  const filled = template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = values[name];
    if (!value) missing.add(name);
    return JSON.stringify(value ?? '').slice(1, -1);
  });
  if (missing.size > 0) throw new Error(`Set ${[...missing].join(', ')} to build the app package`);
  return JSON.parse(filled) as Record<string, unknown>;
}

/** Checks a manifest against Microsoft's Teams manifest schema v1.22 (kept beside the tests). */
export function manifestErrors(manifest: Record<string, unknown>): string[] {
  const schema = JSON.parse(
    readFileSync(join(ROOT, 'tests', 'fixtures', 'teams-manifest-v1.22.schema.json'), 'utf8'),
  );
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('uri', true);
  ajv.addFormat('regex', true);
  const validate = ajv.compile(schema);
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
