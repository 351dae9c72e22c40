import { randomBytes } from 'node:crypto';
import type { IdGenerator } from '../core/ports';

/** Opaque, unguessable request ids: a card carries nothing else, so guessing one must be hopeless. */
export const randomIds: IdGenerator = { next: () => randomBytes(16).toString('base64url') };
