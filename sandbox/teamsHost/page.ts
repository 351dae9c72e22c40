import type { TeamsUser } from '../../demo/directory';
import { escapeHtml as e } from '../http';
import { type HostPageConfig, THEMES, type TeamsTheme } from './protocol';

const THEME_LABELS: Record<TeamsTheme, string> = {
  default: 'Light',
  dark: 'Dark',
  contrast: 'High contrast',
};

// Teams' colours, roughly: enough that a tab's own theme handling can be judged against its host.
const STYLE = `
  :root { --bg: #f5f5f5; --surface: #ffffff; --text: #242424; --muted: #616161; --bar: #ebebeb;
          --brand: #5b5fc7; --on-brand: #ffffff; --line: #d1d1d1; --focus: #000000; }
  [data-theme="dark"] { --bg: #1f1f1f; --surface: #292929; --text: #ffffff; --muted: #adadad; --bar: #0a0a0a;
          --brand: #7f85f5; --on-brand: #000000; --line: #3d3d3d; --focus: #ffffff; }
  [data-theme="contrast"] { --bg: #000000; --surface: #000000; --text: #ffffff; --muted: #ffffff; --bar: #000000;
          --brand: #ffff01; --on-brand: #000000; --line: #ffffff; --focus: #1aebff; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 "Segoe UI", system-ui, sans-serif; background: var(--bg); color: var(--text);
         display: flex; flex-direction: column; min-height: 100vh; }
  header.bar { display: flex; align-items: center; gap: 1rem; padding: .4rem 1rem; background: var(--bar);
               border-bottom: 1px solid var(--line); flex-wrap: wrap; }
  .brand { font-weight: 600; }
  .brand small { font-weight: 400; color: var(--muted); margin-left: .4rem; }
  .controls { display: flex; gap: .75rem; align-items: center; margin-left: auto; flex-wrap: wrap; }
  .controls [role="group"] { display: flex; gap: .25rem; }
  button { font: inherit; color: var(--text); background: var(--surface); border: 1px solid var(--line);
           border-radius: 4px; padding: .2rem .6rem; cursor: pointer; }
  button[aria-pressed="true"] { background: var(--brand); color: var(--on-brand); border-color: var(--brand); }
  button:focus-visible, summary:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
  .me { display: flex; align-items: center; gap: .5rem; }
  .avatar { width: 2rem; height: 2rem; border-radius: 50%; background: var(--brand); color: var(--on-brand);
            display: inline-flex; align-items: center; justify-content: center; font-weight: 600; }
  .me .upn { display: block; color: var(--muted); font-size: .85rem; }
  main { flex: 1; display: flex; flex-direction: column; padding: .5rem 1rem 1rem; gap: .5rem; }
  h1 { font-size: 1.1rem; margin: .25rem 0; }
  .stage { flex: 1; display: flex; justify-content: center; }
  .stage iframe { flex: 1; width: 100%; min-height: 32rem; border: 1px solid var(--line); background: var(--surface); }
  .stage[data-phone="true"] iframe { flex: 0 0 375px; width: 375px; }
  details { color: var(--muted); }
  details ol { font: 12px/1.4 ui-monospace, monospace; max-height: 12rem; overflow: auto; margin: .25rem 0; }
`;

/**
 * A minimal Teams web client around one personal tab: who is signed in, the theme switcher, a phone-width
 * toggle, the tab in a frame sandboxed the way Teams sandboxes tabs, and a log of what the tab asked for.
 */
export function renderHostPage(config: HostPageConfig): string {
  const initials = config.user.displayName
    .split(' ')
    .map((part) => part[0] ?? '')
    .join('')
    .slice(0, 2);
  const themeButtons = THEMES.map(
    (theme) =>
      `<button type="button" data-theme-choice="${theme}" aria-pressed="${theme === config.theme}">${THEME_LABELS[theme]}</button>`,
  ).join('\n      ');
  // JSON in a non-executed script element; `<` is escaped so no value can close the element.
  const configJson = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="${e(config.locale)}" data-theme="${config.theme}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tenants | Microsoft Teams (sandbox)</title>
<style>${STYLE}</style>
<script type="application/json" id="host-config">${configJson}</script>
<script src="/host.js" defer></script>
</head>
<body>
<header class="bar">
  <span class="brand">Microsoft Teams<small>local sandbox</small></span>
  <div class="controls">
    <div role="group" aria-label="Theme">
      ${themeButtons}
    </div>
    <button type="button" id="phone-width" aria-pressed="false">Phone width</button>
  </div>
  <div class="me" id="signed-in-user">
    <span class="avatar" aria-hidden="true">${e(initials)}</span>
    <span><span class="name">${e(config.user.displayName)}</span><span class="upn">${e(config.user.userPrincipalName)}</span></span>
  </div>
</header>
<main>
  <h1>Tenants</h1>
  <div class="stage" id="stage" data-phone="false">
    <iframe id="tab" title="Tenants tab" src="${e(config.appUrl)}"
      sandbox="allow-forms allow-modals allow-popups allow-popups-to-escape-sandbox allow-pointer-lock allow-scripts allow-same-origin allow-downloads"
      allow="clipboard-read; clipboard-write"></iframe>
  </div>
  <details>
    <summary>What the tab asked of Teams</summary>
    <ol id="host-log" reversed></ol>
  </details>
</main>
</body>
</html>
`;
}

/** How to open the host: the URL's parameters and the people it can play. */
export function renderHostHelp(options: { users: TeamsUser[]; problem?: string; example: string }): string {
  const people = options.users
    .map(
      (u) =>
        `<li><strong>${e(u.displayName)}</strong> (${e(u.userPrincipalName)})${u.partnerCenterRoles.length ? `: ${e(u.partnerCenterRoles.join(', '))}` : ''}</li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Teams host (sandbox)</title>
<style>body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; }
code { background: #f3f2f1; padding: 0 .2rem; }</style></head>
<body>
<main>
<h1>Teams host (sandbox)</h1>
${options.problem ? `<p role="alert">${e(options.problem)}</p>` : ''}
<p>Open a tab as a Teams user: <code>/?user=&lt;UPN, name or first name&gt;&amp;app=&lt;tab URL&gt;[&amp;theme=default|dark|contrast][&amp;resource=api://host/clientId][&amp;entityId=tenants][&amp;locale=en-US]</code></p>
<p>For example <a href="${e(options.example)}">${e(options.example)}</a></p>
<h2>People</h2>
<ul>
${people}
</ul>
</main>
</body>
</html>
`;
}
