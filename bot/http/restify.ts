import http from 'node:http';
import type * as Restify from 'restify';

/**
 * restify's own request and response classes. restify 11 adds its methods to Node's
 * http.IncomingMessage and http.ServerResponse prototypes when it loads, which changes every HTTP server in
 * the process (its writeHead, for one, no longer returns the response). Here those additions are moved onto
 * these subclasses, Node's prototypes are put back as they were, and restify's server is built on the
 * subclasses: what restify changes stays inside restify.
 */
class RestifyRequest extends http.IncomingMessage {}
class RestifyResponse extends http.ServerResponse {}

let loaded: typeof Restify | undefined;

/** restify's server, with its request and response methods on its own classes only. */
export function createRestifyServer(options: Restify.ServerOptions): Restify.Server {
  const restify = loadRestify();
  const createServer = http.createServer;
  // restify calls http.createServer() with no arguments while it builds its server.
  http.createServer = ((...args: unknown[]) =>
    (createServer as (...a: unknown[]) => http.Server)(
      { IncomingMessage: RestifyRequest, ServerResponse: RestifyResponse },
      ...args.filter((arg) => typeof arg === 'function'),
    )) as typeof http.createServer;
  try {
    return restify.createServer(options);
  } finally {
    http.createServer = createServer;
  }
}

/** The restify module, loaded once, its changes to Node's prototypes moved onto its own classes. */
export function loadRestify(): typeof Restify {
  if (loaded) return loaded;
  const request = ownProperties(http.IncomingMessage.prototype);
  const response = ownProperties(http.ServerResponse.prototype);
  try {
    loaded = withoutDep0111(() => {
      // Loaded here rather than imported, so that its changes to Node's prototypes can be taken back.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require('restify') as typeof Restify;
    });
  } finally {
    moveAdditions(http.IncomingMessage.prototype, request, RestifyRequest.prototype);
    moveAdditions(http.ServerResponse.prototype, response, RestifyResponse.prototype);
  }
  return loaded;
}

type Properties = Map<string | symbol, PropertyDescriptor>;

function ownProperties(target: object): Properties {
  return new Map(Reflect.ownKeys(target).map((key) => [key, Reflect.getOwnPropertyDescriptor(target, key)!]));
}

/** Every property restify added or replaced on `node` goes to `own`; `node` gets back what it had. */
function moveAdditions(node: object, before: Properties, own: object): void {
  for (const [key, descriptor] of ownProperties(node)) {
    const original = before.get(key);
    if (original && sameProperty(original, descriptor)) continue;
    Reflect.defineProperty(own, key, descriptor);
    if (original) Reflect.defineProperty(node, key, original);
    else Reflect.deleteProperty(node, key);
  }
}

function sameProperty(a: PropertyDescriptor, b: PropertyDescriptor): boolean {
  return a.value === b.value && a.get === b.get && a.set === b.set;
}

/**
 * restify 11, the last release that runs on Node 20, loads spdy, whose http-deceiver reads
 * process.binding('http_parser'): Node 20 then prints deprecation DEP0111 at every start. That one warning
 * is dropped while restify loads; every other warning, and DEP0111 from anything loaded later, still prints.
 */
function withoutDep0111<T>(load: () => T): T {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    if (deprecationCodeOf(rest) === 'DEP0111') return;
    return (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return load();
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
