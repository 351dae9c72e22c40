import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent } from 'undici';

/**
 * fetch options that trust one more certificate authority besides the public ones, for a private Graph or
 * login endpoint. Node's fetch takes an undici dispatcher; an https.Agent would be ignored.
 */
export function fetchOptionsTrusting(caFile: string | undefined): { dispatcher?: Agent } {
  if (!caFile) return {};
  return { dispatcher: new Agent({ connect: { ca: [...rootCertificates, readFileSync(caFile, 'utf8')] } }) };
}
