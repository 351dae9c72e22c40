import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import type { Manifest } from './manifestTemplate';

/**
 * Microsoft's Teams manifest schema v1.25, kept here (formatted, otherwise unchanged) so the build and the
 * tests check offline. Its only format is `uri` (on `$schema` and an agent's `helpUrl`), which ajv-draft-04
 * cannot check without ajv-formats; the URLs this app uses have patterns of their own in the schema.
 */
const validate = (() => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('uri', true);
  return ajv.compile(JSON.parse(readFileSync(join(__dirname, 'teams-manifest-v1.25.schema.json'), 'utf8')));
})();

/** One line per way the manifest breaks the schema, starting with where (a JSON pointer); none if it fits. */
export function manifestSchemaErrors(manifest: Manifest): string[] {
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((error) => {
    const where = error.instancePath || '/';
    const extra = 'additionalProperty' in error.params ? ` (${String(error.params.additionalProperty)})` : '';
    return `${where} ${error.message ?? 'is invalid'}${extra}`;
  });
}
