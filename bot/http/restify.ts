import type * as Restify from 'restify';

/**
 * restify 11, the last release that runs on Node 20, loads spdy, whose http-deceiver reads
 * process.binding('http_parser'): Node 20 then prints deprecation DEP0111 at every start. That one warning
 * is dropped while restify loads; every other warning, and DEP0111 from anything loaded later, still prints.
 */
export function loadRestify(): typeof Restify {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    if (deprecationCodeOf(rest) === 'DEP0111') return;
    return (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    // Loaded here rather than imported, so the filter is in place first.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('restify') as typeof Restify;
  } finally {
    process.emitWarning = emitWarning;
  }
}

/** emitWarning(warning, type, code) or emitWarning(warning, { type, code }). */
function deprecationCodeOf(rest: unknown[]): unknown {
  const [typeOrOptions, code] = rest;
  return typeof typeOrOptions === 'object' && typeOrOptions !== null
    ? (typeOrOptions as { code?: unknown }).code
    : code;
}
