import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/** A request a handler may answer; `url` is already parsed so routes can read the path and query. */
export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<void>;

/** Thrown by handlers to answer with a status and a JSON body without unwinding by hand. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

/**
 * One injected failure, consumed by the next `times` requests that match it.
 * `path` is tested against the path plus query: a string must occur in it, a RegExp must match it.
 * Without `status` the fault only delays the request, which then proceeds normally.
 */
export interface HttpFault {
  path?: RegExp | string;
  method?: string;
  status?: number;
  /** Seconds for the Retry-After header. Defaults to 1 for 429 and 503; `null` sends none. */
  retryAfterSeconds?: number | null;
  delayMs?: number;
  /** How many matching requests this fault applies to (default 1). */
  times?: number;
  /** The error code in the body, when the service's default for that status is not wanted. */
  code?: string;
  message?: string;
}

export interface RunningServer {
  server: http.Server;
  port: number;
  close(): Promise<void>;
}

export async function serve(
  handler: Handler,
  options: { host: string; port?: number; tls?: { cert: string; key: string } },
): Promise<RunningServer> {
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    handler(req, res, url).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) {
        sendJson(res, err.status, err.body, err.headers);
      } else {
        // The sandbox must never take the test run down with it; the message helps whoever debugs.
        sendJson(res, 500, { error: { code: 'SandboxError', message: String(err) } });
      }
    });
  };
  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : http.createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Clients keep sockets alive; without this close() waits for their idle timeout.
        server.closeAllConnections();
      }),
  };
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendEmpty(
  res: http.ServerResponse,
  status: number,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Length': 0, ...headers });
  res.end();
}

export function sendHtml(res: http.ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    // The pages are static apart from escaped text: no scripts, no framing.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    'X-Frame-Options': 'DENY',
  });
  res.end(html);
}

export async function readBody(req: http.IncomingMessage, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) {
      throw new HttpError(413, {
        error: { code: 'RequestEntityTooLarge', message: 'Request body too large.' },
      });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readJson<T>(req: http.IncomingMessage, limitBytes: number): Promise<T> {
  const body = await readBody(req, limitBytes);
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch {
    throw new HttpError(400, {
      error: { code: 'BadArgument', message: 'The request body is not valid JSON.' },
    });
  }
}

export async function readForm(req: http.IncomingMessage, limitBytes: number): Promise<URLSearchParams> {
  return new URLSearchParams((await readBody(req, limitBytes)).toString('utf8'));
}

export function bearerToken(req: http.IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/** Removes and returns the fault that applies to this request, honouring `times`. */
export function takeFault(faults: HttpFault[], method: string, url: URL): HttpFault | undefined {
  const target = url.pathname + url.search;
  const index = faults.findIndex((f) => {
    if (f.method && f.method.toUpperCase() !== method.toUpperCase()) return false;
    if (f.path === undefined) return true;
    return typeof f.path === 'string' ? target.includes(f.path) : f.path.test(target);
  });
  if (index < 0) return undefined;
  const fault = faults[index];
  const remaining = (fault.times ?? 1) - 1;
  if (remaining <= 0) faults.splice(index, 1);
  else faults[index] = { ...fault, times: remaining };
  return fault;
}

export function retryAfterHeader(fault: HttpFault): Record<string, string> {
  const seconds =
    fault.retryAfterSeconds === undefined
      ? fault.status === 429 || fault.status === 503
        ? 1
        : null
      : fault.retryAfterSeconds;
  return seconds === null ? {} : { 'Retry-After': String(seconds) };
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Holds a request back `ms`, or until its caller goes away: then nothing is left waiting for it. */
export function holdBack(req: http.IncomingMessage, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      req.socket.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    req.socket.once('close', done);
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
