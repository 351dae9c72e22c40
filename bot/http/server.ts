import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { EndpointRequest, EndpointResponse } from '../teams/messagesEndpoint';

export interface ServerDeps {
  /** Handles one Bot Framework activity. */
  messages: (request: EndpointRequest) => Promise<EndpointResponse>;
  /** True when the bot can serve turns (its storage answers). */
  ready: () => Promise<boolean>;
  log: (message: string, error?: unknown) => void;
}

/** Teams activities are small (cards stay under 80 KB); anything much larger is not one. */
export const MAX_BODY_BYTES = 256 * 1024;

type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * The bot's HTTP surface on Node's own server: a few routes need no framework, and frameworks that patch
 * Node's request and response prototypes would change every other server in the process (local mode runs
 * the sandbox's servers here too).
 */
export function createServer(deps: ServerDeps): Server {
  const routes: Record<string, Partial<Record<string, Route>>> = {
    '/api/messages': { POST: (req, res) => messages(deps, req, res) },
    '/healthz': { GET: async (_req, res) => send(res, 200, { status: 'ok' }) },
    '/readyz': {
      GET: async (_req, res) => {
        const ready = await deps.ready().catch(() => false);
        send(res, ready ? 200 : 503, { status: ready ? 'ready' : 'storage unavailable' });
      },
    },
  };
  return createHttpServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const methods = routes[path];
    const route = methods?.[req.method ?? ''];
    if (!methods) return send(res, 404, { error: 'Not found' });
    if (!route) return send(res, 405, { error: `Use ${Object.keys(methods).join(' or ')}` });
    route(req, res).catch((error: unknown) => {
      deps.log(`${req.method} ${path} failed`, error);
      if (!res.headersSent) send(res, 500, { error: 'The bot could not process this request.' });
      else res.end();
    });
  });
}

async function messages(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJson(req);
  if (!body.ok) return send(res, body.status, { error: body.error });
  const header = req.headers.authorization;
  const result = await deps.messages({ authorization: header ?? '', body: body.value });
  send(res, result.status, result.body);
}

type JsonBody = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; error: string };

async function readJson(req: IncomingMessage): Promise<JsonBody> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    req.resume();
    return { ok: false, status: 415, error: 'Send the activity as application/json.' };
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    return tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      req.resume();
      return tooLarge();
    }
    chunks.push(chunk);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { ok: false, status: 400, error: 'The body is not valid JSON.' };
  }
}

function tooLarge(): JsonBody {
  return { ok: false, status: 413, error: `The body is larger than ${MAX_BODY_BYTES} bytes.` };
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}
