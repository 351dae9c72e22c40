import type { Refusal } from './refusals';

/** What every use case returns: a value, or why the product said no (the Teams edge puts it into words). */
export type Result<T, R = Refusal> = { ok: true; value: T } | { ok: false; refusal: R };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function refuse<R = Refusal>(refusal: R): { ok: false; refusal: R } {
  return { ok: false, refusal };
}
