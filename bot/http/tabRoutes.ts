import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Next, Request, RequestHandler, Response, Server } from 'restify';
import { escapeHtml } from '../../cards/html';
import { TEAMS_FRAME_ANCESTORS } from '../config';
import type { Log } from '../log';
import { START_AGAIN } from '../tab/signInPopUps';
import { HistoryDownloadRefused, type HistoryDownload } from '../tab/tabHistory';
import type { SignInResult, TabAnswer, TenantsTab } from '../tab/tenantsTab';

export interface TabRoutesDeps {
  /** Undefined when this deployment has no tab (AAD_APP_CLIENT_ID unset). */
  tab?: TenantsTab;
  /** Origins allowed to frame the tab: Teams' and, in local mode, the sandbox's Teams host page. */
  frameAncestors: string[];
  log: Log;
  /** Parses request bodies: Entra ID's form_post answer, and the tab's own JSON. */
  formBody: RequestHandler[];
}

/** The files the tab's pages load, built by scripts/buildTab.ts into dist/tab/. */
const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'callback.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

const NOT_CONFIGURED =
  'The Tenants tab is not set up for this deployment: set AAD_APP_CLIENT_ID, AAD_APP_CLIENT_SECRET and BOT_DOMAIN.';

/**
 * The Tenants tab over HTTP: its pages and scripts, its API (every call with a Teams SSO token) and the
 * sign-in pop-up's two pages. Every answer carries a Content-Security-Policy: scripts from this origin
 * only, none inline, and framing by Teams only.
 *
 * The API authenticates with the SSO token in the Authorization header and nothing else: the tab sets no
 * cookie, so a page elsewhere cannot make a call on a person's behalf (no CSRF), and calls with a body must
 * be JSON, which another origin cannot send here without a CORS preflight this server never grants.
 */
export function registerTabRoutes(server: Server, deps: TabRoutesDeps): void {
  const dir = assetsDir();
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self' https://res.cdn.office.net",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${deps.frameAncestors.length > 0 ? deps.frameAncestors.join(' ') : "'none'"}`,
  ].join('; ');
  const secure = (res: Response) => {
    res.header('content-security-policy', csp);
    res.header('x-content-type-options', 'nosniff');
    res.header('referrer-policy', 'no-referrer');
  };
  const html = (res: Response, body: string) => {
    secure(res);
    res.header('cache-control', 'no-store');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body);
  };
  // teams-js talks only to Teams' own origins unless told others: the hosts this deployment adds (local mode's).
  const hostOrigins = deps.frameAncestors.filter(
    (o) => !TEAMS_FRAME_ANCESTORS.includes(o) && !o.includes('*'),
  );
  const pageOf = (name: string) =>
    readFileSync(join(dir, name), 'utf8').replace('{{HOST_ORIGINS}}', escapeHtml(hostOrigins.join(' ')));
  // The pop-up's last page, with the outcome in a meta tag for its script (no inline script is allowed).
  const callbackPage = (res: Response, result: SignInResult) =>
    html(res, pageOf('callback.html').replace('{{RESULT}}', escapeHtml(JSON.stringify(result))));
  const answer = (res: Response, result: TabAnswer) => {
    secure(res);
    res.header('cache-control', 'no-store');
    res.json(result.status, result.body);
  };
  const withTab =
    (handle: (tab: TenantsTab, req: Request, res: Response) => Promise<void>) =>
    // restify takes an async handler's settling as its `next`.
    async (req: Request, res: Response) => {
      if (!deps.tab) {
        secure(res);
        res.json(404, { error: NOT_CONFIGURED });
        return;
      }
      await handle(deps.tab, req, res);
    };
  const authorization = (req: Request) => req.header('authorization') ?? undefined;
  const target = (req: Request) => ({
    tenantId: String(req.params.tenantId),
    objectId: String(req.params.objectId),
  });
  const requireJson = (req: Request, res: Response, next: Next) => {
    if (req.is('application/json')) return next();
    secure(res);
    res.json(415, { error: 'Send JSON (application/json).' });
    return next(false);
  };
  const json = [requireJson, ...deps.formBody];
  /**
   * The CSV is written a page of events at a time. Should reading fail half-way (the store gone, the role
   * lost), the connection is cut rather than ended, so the browser reports a failed download, not a short file.
   */
  const sendCsv = async (res: Response, download: HistoryDownload) => {
    secure(res);
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${download.fileName}"`,
      'cache-control': 'no-store',
    });
    try {
      for await (const chunk of download.chunks) {
        if (res.destroyed) return;
        if (!res.write(chunk)) await drained(res);
      }
      res.end();
    } catch (error) {
      if (!(error instanceof HistoryDownloadRefused)) deps.log('history download failed', error);
      res.destroy();
    }
  };

  server.get('/tab', (_req: Request, res: Response, next: Next) => {
    if (!existsSync(join(dir, 'index.html'))) {
      // Started from sources without `npm start` or `npm run build`, which bundle the page first.
      secure(res);
      res.json(503, { error: 'The Tenants tab is not built: run npm run build:tab.' });
      return next(false);
    }
    html(res, pageOf('index.html'));
    next();
  });
  server.get('/tab/:asset', (req: Request, res: Response, next: Next) => {
    const name = basename(String(req.params.asset));
    // Only the table's own entries: `constructor` or `__proto__` would otherwise name Object's.
    const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!type) {
      secure(res);
      res.json(404, { error: 'Not found' });
      return next(false);
    }
    secure(res);
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
    res.end(readFileSync(join(dir, name)));
    return next();
  });

  server.get(
    '/tab/api/overview',
    withTab(async (tab, req, res) => answer(res, await tab.overview(authorization(req)))),
  );
  server.post(
    '/tab/api/sign-ins',
    withTab(async (tab, req, res) => answer(res, await tab.startSignIn(authorization(req)))),
  );
  server.get(
    '/tab/api/requests/:id',
    withTab(async (tab, req, res) =>
      answer(res, await tab.request(authorization(req), String(req.params.id))),
    ),
  );
  server.post(
    '/tab/api/requests/:id/:verb',
    withTab(async (tab, req, res) =>
      answer(res, await tab.act(authorization(req), String(req.params.id), String(req.params.verb))),
    ),
  );
  server.post(
    '/tab/api/removals',
    ...json,
    withTab(async (tab, req, res) => answer(res, await tab.startRemoval(authorization(req), req.body))),
  );

  server.get(
    '/tab/api/users',
    withTab(async (tab, req, res) => answer(res, await tab.users.view(authorization(req)))),
  );
  server.post(
    '/tab/api/users',
    ...json,
    withTab(async (tab, req, res) => answer(res, await tab.users.add(authorization(req), req.body))),
  );
  server.post(
    '/tab/api/users/sign-ins',
    ...json,
    withTab(async (tab, req, res) => answer(res, await tab.users.startSignIn(authorization(req), req.body))),
  );
  server.del(
    '/tab/api/users/sign-ins',
    withTab(async (tab, req, res) => answer(res, await tab.users.signOut(authorization(req)))),
  );
  server.put(
    '/tab/api/users/:tenantId/:objectId/roles',
    ...json,
    withTab(async (tab, req, res) =>
      answer(res, await tab.users.setRoles(authorization(req), target(req), req.body)),
    ),
  );
  server.del(
    '/tab/api/users/:tenantId/:objectId',
    withTab(async (tab, req, res) => answer(res, await tab.users.remove(authorization(req), target(req)))),
  );

  server.get(
    '/tab/api/history',
    withTab(async (tab, req, res) => {
      const before = queryOf(req).get('before') ?? undefined;
      answer(res, await tab.history.page(authorization(req), before));
    }),
  );
  server.get(
    '/tab/api/history.csv',
    withTab(async (tab, req, res) => {
      const download = await tab.history.download(authorization(req));
      if ('status' in download) return answer(res, download);
      await sendCsv(res, download);
    }),
  );

  // The pop-up's first page: straight on to Entra ID's account picker.
  server.get(
    '/tab/auth/start',
    withTab(async (tab, req, res) => {
      const session = queryOf(req).get('session') ?? '';
      const location = session ? await tab.authorizeUrl(session) : undefined;
      if (!location) return callbackPage(res, { ok: false, message: START_AGAIN });
      secure(res);
      res.header('cache-control', 'no-store');
      res.redirect(302, location, () => undefined);
    }),
  );
  // Entra ID posts a plain form; nothing else (a multipart upload, a JSON body) is parsed here.
  const onlyForm = (req: Request, res: Response, next: Next) => {
    if (req.is('application/x-www-form-urlencoded')) return next();
    callbackPage(res, { ok: false, message: START_AGAIN });
    return next(false);
  };
  // Entra ID's answer arrives as a form post (response_mode=form_post): the code never sits in a URL.
  server.post(
    '/tab/auth/callback',
    onlyForm,
    ...deps.formBody,
    withTab(async (tab, req, res) => {
      const form = (req.body ?? {}) as Record<string, unknown>;
      const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
      const result = await tab.completeSignIn({
        state: text('state'),
        code: text('code'),
        error: text('error'),
        errorDescription: text('error_description'),
        clientInfo: text('client_info'),
      });
      if (!result.ok) deps.log(`tab sign-in did not complete: ${result.message}`);
      callbackPage(res, result);
    }),
  );
}

/**
 * The query string's parameters: restify parses them only with its queryParser plugin, which this server
 * does not use (without it, `req.query` is a function).
 */
function queryOf(req: Request): URLSearchParams {
  return new URL(req.url ?? '', 'http://localhost').searchParams;
}

/** Until the client has taken what was written, or gone away. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/** dist/tab beside the sources (tsx) or beside the compiled bot (npm run build). */
function assetsDir(): string {
  const base = join(__dirname, '..', '..');
  return basename(base) === 'dist' ? join(base, 'tab') : join(base, 'dist', 'tab');
}
