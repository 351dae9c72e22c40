import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import path from 'node:path';
import { build } from 'esbuild';
import { type DemoDirectory, findTeamsUser, type TeamsUser } from '../../demo/directory';
import { type Handler, HttpError, readJson, type RunningServer, sendEmpty, sendJson, serve } from '../http';
import { renderHostHelp, renderHostPage } from './page';
import { type AuthTokenRequest, type HostPageConfig, isTheme } from './protocol';
import { answerSsoRequest, resourceFor } from './ssoRequest';

export { TEAMS_FAILURES } from './protocol';

export interface TeamsHostOptions {
  host: string;
  port?: number;
  directory: DemoDirectory;
  /** The tab app's client id: the resource Teams asks SSO tokens for is `api://{tab host}/{clientId}`. */
  tabAppClientId: string;
  mintSsoToken(user: TeamsUser, audience: string): string;
}

export interface TeamsHostEmulator {
  /** `http://127.0.0.1:PORT`; the host page is `/?user=…&app=…`. */
  url: string;
  close(): Promise<void>;
}

/** The Teams client stand-in for tabs: the host page, its script, and the SSO tokens it hands out. */
export async function startTeamsHost(options: TeamsHostOptions): Promise<TeamsHostEmulator> {
  const script = await bundleHostScript();
  let base = '';

  const handler: Handler = async (req, res, url) => {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /':
        return hostPage(res, url);
      case 'GET /host.js':
        res.writeHead(200, {
          'Content-Type': 'text/javascript; charset=utf-8',
          'Content-Length': Buffer.byteLength(script),
          'Cache-Control': 'no-store',
        });
        return void res.end(script);
      case 'POST /api/auth-token': {
        // JSON only: a page on another origin cannot send this without a CORS preflight, which is refused.
        if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
          throw new HttpError(415, { error: 'Send JSON.' });
        }
        const body = await readJson<Partial<AuthTokenRequest>>(req, 16 * 1024);
        const answer = answerSsoRequest(body, { directory: options.directory, mint: options.mintSsoToken });
        return sendJson(res, 200, answer, { 'Cache-Control': 'no-store' });
      }
      case 'GET /favicon.ico':
        return sendEmpty(res, 204);
      default:
        throw new HttpError(404, { error: `No route for ${route}.` });
    }
  };

  const hostPage = (res: http.ServerResponse, url: URL): void => {
    const q = url.searchParams;
    const users = options.directory.teams.users;
    const example = `${base}/?user=${encodeURIComponent(users[0]?.userPrincipalName ?? '')}&app=${encodeURIComponent('http://localhost:3978/tab')}`;
    const help = (status: number, problem?: string): void =>
      sendPage(
        res,
        status,
        renderHostHelp({ users, problem, example }),
        "default-src 'none'; style-src 'unsafe-inline'",
      );
    if ([...q.keys()].length === 0) return help(200);
    const user = findTeamsUser(options.directory, q.get('user') ?? users[0]?.userPrincipalName ?? '');
    if (!user) return help(400, `There is no Teams user '${q.get('user')}' in the demo directory.`);
    const app = httpUrl(q.get('app'));
    if (!app) return help(400, 'The app parameter must be the http(s) URL of the tab.');
    const theme = q.get('theme') ?? 'default';
    if (!isTheme(theme)) return help(400, `The theme must be default, dark or contrast, not '${theme}'.`);
    const config: HostPageConfig = {
      user: {
        objectId: user.objectId,
        displayName: user.displayName,
        userPrincipalName: user.userPrincipalName,
      },
      tenantId: options.directory.teams.tenantId,
      appUrl: app.href,
      appOrigin: app.origin,
      entityId: q.get('entityId') ?? 'tenants',
      theme,
      locale: q.get('locale') ?? 'en-US',
      resource: q.get('resource') ?? resourceFor(app, options.tabAppClientId),
      sessionId: randomUUID(),
      appSessionId: randomUUID(),
    };
    // The tab may be on any origin and navigate its frame, as in Teams; scripts and fetches stay on the host's own.
    const csp =
      "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; frame-src http: https:; base-uri 'none'; form-action 'none'";
    sendPage(res, 200, renderHostPage(config), csp);
  };

  const running: RunningServer = await serve(handler, { host: options.host, port: options.port });
  base = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${running.port}`;
  return { url: base, close: running.close };
}

function sendPage(res: http.ServerResponse, status: number, html: string, csp: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': csp,
    // The host is the top window, as Teams is; nothing frames it.
    'X-Frame-Options': 'DENY',
  });
  res.end(html);
}

function httpUrl(raw: string | null): URL | undefined {
  try {
    const url = new URL(raw ?? '');
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The browser script, bundled from TypeScript once per host (esbuild is a dev dependency, as the sandbox is). */
async function bundleHostScript(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(__dirname, 'hostScript.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: ['es2020'],
    platform: 'browser',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}
