import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { Agent } from 'undici';

const contexts = new Map<string, SecureContext>();

/**
 * A TLS context trusting the public certificate authorities plus the one in `caFile`, built once per CA and
 * shared. Given `ca` instead, every new connection would parse all the ~145 root certificates into a
 * context of its own: tens of milliseconds of CPU each, and native memory only GC or process exit frees.
 */
function secureContextTrusting(caFile: string): SecureContext {
  const pem = readFileSync(caFile, 'utf8');
  let context = contexts.get(pem);
  if (!context) {
    context = createSecureContext({ ca: [...rootCertificates, pem] });
    contexts.set(pem, context);
  }
  return context;
}

/**
 * fetch options that trust one more certificate authority besides the public ones, for a private Graph or
 * login endpoint. Node's fetch takes an undici dispatcher; an https.Agent would be ignored.
 */
export function fetchOptionsTrusting(caFile: string | undefined): { dispatcher?: Agent } {
  if (!caFile) return {};
  return { dispatcher: new Agent({ connect: { secureContext: secureContextTrusting(caFile) } }) };
}
