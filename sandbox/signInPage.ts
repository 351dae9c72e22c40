import type { SignInAccount } from '../demo/directory';
import { escapeHtml as e } from './http';

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
  h1 { font-size: 1.4rem; }
  .note { color: #505050; font-size: .9rem; }
  ul { list-style: none; padding: 0; }
  li { margin: .5rem 0; }
  a.account { display: block; padding: .6rem .8rem; border: 1px solid #8a8886; border-radius: 4px; color: inherit; text-decoration: none; }
  a.account:hover, a.account:focus { background: #f3f2f1; outline: 2px solid #0f6cbd; }
  .name { font-weight: 600; }
  .upn, .org { display: block; font-size: .9rem; color: #505050; }
  .code { font: 600 2.2rem/1.2 ui-monospace, monospace; letter-spacing: .3rem; padding: .5rem 1rem;
          border: 2px dashed #0f6cbd; display: inline-block; user-select: all; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/**
 * The account picker Entra ID shows with `prompt=select_account`, listing every demo account (a person could type
 * any of them); `hrefFor` is where choosing one leads, and `purpose` a sentence saying what the sign-in is for.
 */
export function renderAccountChooser(options: {
  accounts: SignInAccount[];
  hrefFor: (account: SignInAccount) => string;
  purpose: string;
}): string {
  const items = options.accounts
    .map((account) => {
      const href = options.hrefFor(account);
      return `<li><a class="account" href="${e(href)}" data-upn="${e(account.userPrincipalName)}">
  <span class="name">${e(account.displayName)}</span>
  <span class="upn">${e(account.userPrincipalName)}</span>
  <span class="org">${e(account.organization)}${account.globalAdmin ? ' · Global administrator' : ''}</span>
</a></li>`;
    })
    .join('\n');
  return page(
    'Pick an account',
    `<h1>Pick an account</h1>
<p>${e(options.purpose)}</p>
<ul aria-label="Accounts">
${items}
</ul>
<p class="note">Local sandbox: these are demo accounts; no password is asked and nothing leaves this machine.</p>`,
  );
}

/**
 * Entra ID's sign-in page turning an account away (a personal account at `organizations`, a user of another
 * tenant): the person stays on the sign-in page and may pick another account.
 */
export function renderSignInRefusal(options: {
  account: SignInAccount;
  message: string;
  retryHref: string;
}): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1>
<p class="upn">${e(options.account.userPrincipalName)}</p>
<p role="alert" id="sign-in-error">${e(options.message)}</p>
<p><a href="${e(options.retryHref)}" id="use-another-account">Sign in with a different account</a></p>`,
  );
}

/** What the user sees after signing in: the magic code to type in the chat, ready to copy. */
export function renderMagicCode(options: {
  code: string;
  account: SignInAccount;
  botNotified: boolean;
}): string {
  const closing = options.botNotified
    ? '<p>Teams has been told you signed in, so the chat should carry on by itself. If it does not, type the code above into the chat.</p>'
    : '<p>Go back to the chat and send the code above as a message to finish signing in. It works once, and only for a short while.</p>';
  return page(
    'Enter this code in the chat',
    `<h1>You are signed in as ${e(options.account.displayName)}</h1>
<p class="upn">${e(options.account.userPrincipalName)} · ${e(options.account.organization)}</p>
<p id="code-label">Enter this code in the chat:</p>
<p><output class="code" id="magic-code" aria-labelledby="code-label" data-code="${e(options.code)}">${e(options.code)}</output></p>
${closing}`,
  );
}

export function renderError(title: string, message: string): string {
  return page(title, `<h1>${e(title)}</h1>\n<p role="alert">${e(message)}</p>`);
}

/** Reads the code back out of `renderMagicCode`'s page, as a person copying it would. */
export function parseMagicCode(html: string): string | undefined {
  return /data-code="(\d{6})"/.exec(html)?.[1];
}

/** Finds the chooser link for a UPN, as a person clicking their account would. */
export function findAccountLink(html: string, userPrincipalName: string): string | undefined {
  const wanted = userPrincipalName.toLowerCase();
  for (const match of html.matchAll(/<a class="account" href="([^"]+)" data-upn="([^"]+)"/g)) {
    if (unescapeHtml(match[2]).toLowerCase() === wanted) return unescapeHtml(match[1]);
  }
  return undefined;
}

function unescapeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}
