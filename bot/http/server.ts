import pino from 'pino';
import type { Next, Request, Response, Server, ServerOptions } from 'restify';
import type { Log } from '../log';
import type { EndpointRequest, EndpointResponse } from '../teams/messagesEndpoint';
import { MAX_NESTING, nestsDeeperThan } from './nesting';
import { createRestifyServer, loadRestify } from './restify';
import { registerTabRoutes, type TabRoutesDeps } from './tabRoutes';

export interface ServerDeps {
  /** Handles one Bot Framework activity. */
  messages: (request: EndpointRequest) => Promise<EndpointResponse>;
  /** What the bot needs to serve turns, by the name /readyz reports each under. */
  dependencies: Record<string, () => Promise<DependencyState>>;
  /** True once the process is stopping: /readyz answers 503, so no new turns are routed here. */
  stopping: () => boolean;
  log: Log;
  /** The Tenants tab; its routes answer that it is not set up when `tab.tab` is undefined. */
  tab: Omit<TabRoutesDeps, 'log' | 'formBody'>;
}

/** `not used`: this process runs without it (memory storage, or the queue left to `npm run worker`). */
export type DependencyState = 'up' | 'down' | 'not used';

/** A dependency that has not answered by then is down: a probe must answer before its own timeout. */
const CHECK_TIMEOUT_MS = 2000;

/** Teams activities are small (cards stay under 80 KB); anything much larger is not one. */
const MAX_BODY_BYTES = 256 * 1024;

/** The bot's HTTP surface, on restify (see ./restify.ts for how its changes to Node stay its own). */
export function createServer(deps: ServerDeps): Server {
  const server = createRestifyServer({
    name: 'tenant-association',
    handleUncaughtExceptions: false,
    // restify's own logger writes whole requests, Authorization header included, to stdout: what goes
    // wrong is logged by the bot instead (restifyError below, and every route's own handling).
    // (restify's types still name bunyan's logger; restify 11 itself runs on pino.)
    log: pino({ level: 'silent' }) as unknown as ServerOptions['log'],
  });
  const { plugins } = loadRestify();
  const json = plugins.bodyParser({
    maxBodySize: MAX_BODY_BYTES,
    mapParams: false,
    rejectUnknown: true,
  });

  // Once stopping, no connection is kept alive for another request: each closes after its answer, including
  // the answers to turns that were in hand when the stop began.
  const lastOnItsConnection = (res: Response) => {
    if (deps.stopping()) res.setHeader('Connection', 'close');
  };
  server.pre((_req: Request, res: Response, next: Next) => {
    lastOnItsConnection(res);
    return next();
  });

  server.post('/api/messages', requireJson, json, refuseDeepNesting, async (req: Request, res: Response) => {
    const result = await deps.messages({ authorization: req.header('authorization') ?? '', body: req.body });
    lastOnItsConnection(res);
    send(res, result.status, result.body, deps.log);
  });
  server.get('/healthz', async (_req: Request, res: Response) => send(res, 200, { status: 'ok' }));
  server.get('/readyz', async (_req: Request, res: Response) => {
    const names = Object.keys(deps.dependencies);
    const states = await Promise.all(names.map((name) => stateWithin(deps.dependencies[name])));
    const down = states.includes('down');
    const status = deps.stopping() ? 'stopping' : down ? 'unavailable' : 'ready';
    send(res, status === 'ready' ? 200 : 503, {
      status,
      ...Object.fromEntries(names.map((name, i) => [name, states[i]])),
    });
  });

  registerTabRoutes(server, {
    ...deps.tab,
    log: deps.log,
    formBody: plugins.bodyParser({ maxBodySize: 64 * 1024, mapParams: false }),
  });

  server.on('restifyError', (req: Request, _res: Response, error: Error & { statusCode?: number }, next) => {
    // The framework's own answers (404, 405, 413, a body that is not JSON) are expected; anything else is ours.
    if ((error.statusCode ?? 500) >= 500) deps.log(`${req.method} ${req.path()} failed`, error);
    return next();
  });
  return server;
}

async function stateWithin(check: () => Promise<DependencyState>): Promise<DependencyState> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<DependencyState>((resolve) => {
    timer = setTimeout(() => resolve('down'), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().catch((): DependencyState => 'down'), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** No activity nests this deeply; refused before any code (botbuilder's included) walks it. */
function refuseDeepNesting(req: Request, res: Response, next: Next): void {
  if (!nestsDeeperThan(req.body, MAX_NESTING)) return next();
  send(res, 400, {
    error: `The body nests deeper than ${MAX_NESTING} levels: it is not a Bot Framework activity.`,
  });
  return next(false);
}

/** Bot Framework activities are JSON; say so plainly instead of trying to parse anything else. */
function requireJson(req: Request, res: Response, next: Next): void {
  if (req.is('application/json')) return next();
  send(res, 415, { error: 'Send the activity as application/json.' });
  return next(false);
}

/** Serialized here, so that a body that cannot be is the bot's error to log, not a formatter's 500. */
function send(res: Response, status: number, body?: unknown, log?: Log): void {
  if (body === undefined) {
    res.status(status);
    res.end();
    return;
  }
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch (error) {
    log?.('an answer could not be written as JSON', error);
    status = 500;
    text = JSON.stringify({ error: 'The bot could not write its answer.' });
  }
  res.sendRaw(status, text, { 'content-type': 'application/json' });
}
