import restify, { type Request, type Response, type Server } from 'restify';
import type { EndpointRequest, EndpointResponse } from '../teams/messagesEndpoint';

export interface ServerDeps {
  /** Handles one Bot Framework activity. */
  messages: (request: EndpointRequest) => Promise<EndpointResponse>;
  /** True when the bot can serve turns (its storage answers). */
  ready: () => Promise<boolean>;
  log: (message: string, error?: unknown) => void;
}

/** Teams activities are small (cards stay under 80 KB); anything much larger is not one. */
const MAX_BODY_BYTES = 256 * 1024;

export function createServer(deps: ServerDeps): Server {
  const server = restify.createServer({ name: 'tenant-association', handleUncaughtExceptions: false });
  server.use(
    restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, rejectUnknown: true }),
  );

  server.post('/api/messages', async (req: Request, res: Response) => {
    try {
      const result = await deps.messages({ authorization: headerOf(req, 'authorization'), body: req.body });
      res.status(result.status);
      if (result.body === undefined) res.end();
      else res.json(result.body);
    } catch (error) {
      deps.log('activity failed', error);
      res.status(500);
      res.json({ error: 'The bot could not process this activity.' });
    }
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.json({ status: 'ok' });
  });

  server.get('/readyz', async (_req: Request, res: Response) => {
    const ready = await deps.ready().catch(() => false);
    res.status(ready ? 200 : 503);
    res.json({ status: ready ? 'ready' : 'storage unavailable' });
  });

  server.on(
    'restifyError',
    (req: Request, _res: Response, error: Error & { statusCode?: number }, next: () => void) => {
      if ((error.statusCode ?? 500) >= 500) deps.log(`${req.method} ${req.url} failed`, error);
      next();
    },
  );
  return server;
}

function headerOf(req: Request, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}
