import http from 'node:http';
import https from 'node:https';
import { findAccountLink } from '../../sandbox/signInPage';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Where Entra ID sent the browser after the picker: a redirect, a page that posts a form, or a page to read. */
export type AuthorizeOutcome =
  | { kind: 'redirect'; mode: 'query' | 'fragment'; redirectUri: string; params: Record<string, string> }
  | { kind: 'form_post'; redirectUri: string; params: Record<string, string> }
  | { kind: 'page'; status: number; html: string };

/** A GET that trusts the sandbox's CA and does not follow redirects (the browser's next hop is ours to read). */
export function get(url: string, ca: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(target, { ca, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Opens an authorize URL and reads the answer, without choosing anyone (for requests refused up front). */
export async function openAuthorize(authorizeUrl: string, ca: string): Promise<AuthorizeOutcome> {
  return outcomeOf(await get(authorizeUrl, ca));
}

/**
 * Signs in as a browser would: opens the authorize URL, clicks the tile of `userPrincipalName` on the account
 * picker, and reports where Entra ID sends the browser next.
 */
export async function signInWithPicker(
  authorizeUrl: string,
  userPrincipalName: string,
  ca: string,
): Promise<AuthorizeOutcome> {
  const picker = await get(authorizeUrl, ca);
  const href = picker.status === 200 ? findAccountLink(picker.body, userPrincipalName) : undefined;
  if (!href) return outcomeOf(picker);
  return outcomeOf(await get(new URL(href, authorizeUrl).href, ca));
}

/** The parameters Entra ID hands back, wherever the response mode put them. */
export function answerOf(outcome: AuthorizeOutcome): Record<string, string> {
  if (outcome.kind === 'page') throw new Error(`Entra ID showed a page (${outcome.status}): ${outcome.html}`);
  return outcome.params;
}

function outcomeOf(answer: HttpAnswer): AuthorizeOutcome {
  const location = answer.headers.location;
  if (answer.status === 302 && location) {
    const url = new URL(location);
    const fragment = url.hash.length > 1;
    const params = Object.fromEntries(new URLSearchParams(fragment ? url.hash.slice(1) : url.search));
    url.hash = '';
    url.search = '';
    return { kind: 'redirect', mode: fragment ? 'fragment' : 'query', redirectUri: url.href, params };
  }
  const form = /<form method="POST" name="hiddenform" action="([^"]+)">/.exec(answer.body);
  if (answer.status === 200 && form) {
    const params: Record<string, string> = {};
    for (const input of answer.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)" \/>/g)) {
      params[unescapeHtml(input[1])] = unescapeHtml(input[2]);
    }
    return { kind: 'form_post', redirectUri: unescapeHtml(form[1]), params };
  }
  return { kind: 'page', status: answer.status, html: answer.body };
}

function unescapeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}
