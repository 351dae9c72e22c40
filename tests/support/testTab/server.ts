import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';

export interface TestTabServer {
  /** `https://localhost:PORT` */
  origin: string;
  /** The tab's content URL. */
  tabUrl: string;
  /** The pop-up page, with these query parameters. */
  popupUrl(query?: Record<string, string>): string;
  close(): Promise<void>;
}

/**
 * Serves the test tab and its sign-in pop-up page over HTTPS on loopback (teams-js opens only https pop-ups), with
 * the sandbox's localhost certificate. Both pages are told the Teams host's origin, which teams-js must be given.
 */
export async function startTestTabServer(options: {
  tls: { cert: string; key: string };
  teamsHostOrigin: string;
}): Promise<TestTabServer> {
  const scripts = await bundle();
  const page = (title: string, script: string, extraMeta = ''): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<meta name="teams-host" content="${escapeHtml(options.teamsHostOrigin)}">
${extraMeta}
</head>
<body>
<main>
<h1>${title}</h1>
<p id="status" data-state="connecting">Connecting to Teams...</p>
<label>Sign-in URL <input id="sign-in-url" type="url"></label>
<button id="sign-in" type="button">Sign in</button>
<p id="sign-in-result" aria-live="polite"></p>
</main>
<script src="${script}"></script>
</body>
</html>
`;

  const server = https.createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const send = (status: number, type: string, body: string): void => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (req.method === 'GET' && url.pathname === '/tab.html')
      return send(200, 'text/html', page('Test tab', '/tab.js'));
    if (url.pathname === '/popup.html') {
      if (req.method === 'GET') return send(200, 'text/html', page('Signing in', '/popup.js'));
      // Entra ID's form_post lands here: the answer goes into the page, as a tab's callback would put it.
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const answer = JSON.stringify(
          Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
        );
        send(
          200,
          'text/html',
          page('Signing in', '/popup.js', `<meta name="posted-answer" content="${escapeHtml(answer)}">`),
        );
      });
      return;
    }
    const script = scripts[url.pathname];
    if (req.method === 'GET' && script) return send(200, 'text/javascript', script);
    send(404, 'text/plain', 'Not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    tabUrl: `${origin}/tab.html`,
    popupUrl: (query = {}) => `${origin}/popup.html?${new URLSearchParams(query)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function bundle(): Promise<Record<string, string>> {
  const result = await build({
    entryPoints: { tab: path.join(__dirname, 'tabPage.ts'), popup: path.join(__dirname, 'popupPage.ts') },
    outdir: 'out',
    bundle: true,
    write: false,
    format: 'iife',
    target: ['es2020'],
    platform: 'browser',
    logLevel: 'silent',
  });
  return Object.fromEntries(result.outputFiles.map((file) => [`/${path.basename(file.path)}`, file.text]));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
