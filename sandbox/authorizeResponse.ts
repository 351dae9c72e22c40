import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { escapeHtml as e } from './http';

/** How the authorize endpoint hands its answer back (`response_mode`); Entra ID's default for a code is query. */
export type ResponseMode = 'query' | 'fragment' | 'form_post';

export function responseModeOf(raw: string | null): ResponseMode {
  return raw === 'fragment' || raw === 'form_post' ? raw : 'query';
}

/**
 * Sends the browser back to the app with the answer (a code, or an OAuth error), as Entra ID does: a 302 with the
 * parameters in the query or fragment, or for form_post a page whose form posts them to the redirect URI at once.
 */
export function sendAuthorizeResponse(
  res: http.ServerResponse,
  answer: { redirectUri: string; mode: ResponseMode; params: Record<string, string | undefined> },
): void {
  const params = Object.entries(answer.params).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  if (answer.mode === 'form_post') return sendFormPost(res, answer.redirectUri, params);
  const target = new URL(answer.redirectUri);
  if (answer.mode === 'fragment') {
    target.hash = new URLSearchParams(params).toString();
  } else {
    for (const [name, value] of params) target.searchParams.append(name, value);
  }
  res.writeHead(302, { Location: target.href, 'Cache-Control': 'no-store', 'Content-Length': 0 });
  res.end();
}

// Entra ID's own form_post page: a hidden form submitted by a one-line script, with a button if scripts are off.
function sendFormPost(res: http.ServerResponse, action: string, params: [string, string][]): void {
  const nonce = randomBytes(16).toString('base64');
  const inputs = params.map(
    ([name, value]) => `<input type="hidden" name="${e(name)}" value="${e(value)}" />`,
  );
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Working...</title></head>
<body>
<form method="POST" name="hiddenform" action="${e(action)}">
${inputs.join('\n')}
<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript>
</form>
<script nonce="${nonce}">document.forms[0].submit();</script>
</body>
</html>
`;
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; form-action ${new URL(action).origin}`,
    'X-Frame-Options': 'DENY',
  });
  res.end(html);
}
