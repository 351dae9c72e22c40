import type { TeamsTheme } from '../../../cards/hostConfig';
import { h, paragraphs } from './dom';
import { HistoryPage } from './historyPage';
import { showStatus, type PageName, type Shell } from './shell';
import { connect } from './teams';
import { TenantsPage } from './tenantsPage';
import { UsersPage } from './usersPage';

const TITLES: Record<PageName, string> = { tenants: 'Tenants', users: 'Users', history: 'History' };

const main = document.getElementById('main') as HTMLElement;
const content = h('div', { id: 'page' });
let theme: TeamsTheme = 'default';
let current: PageName = 'tenants';
// One more each time a link is followed: a page's answers count only while it is the same.
let visits = 0;
let isManager = false;

const shell: Shell = {
  content,
  theme: () => theme,
  setStatus: showStatus,
  visit: () => {
    const visit = visits;
    return () => visit === visits;
  },
};
const tenants = new TenantsPage(shell);
const users = new UsersPage(shell);
const history = new HistoryPage(shell);

async function start(): Promise<void> {
  const host = await connect((changed) => {
    theme = changed;
    applyTheme();
    if (current === 'tenants') tenants.redraw();
  });
  if (!host) return outsideTeams();
  theme = host.theme;
  document.documentElement.lang = host.locale || 'en';
  applyTheme();
  main.append(content);
  showStatus('');
  // The Tenants page says what the person may do; the History page is for Managers only.
  const overview = await tenants.show();
  isManager = overview?.viewer.canAssociate ?? false;
  main.insertBefore(navigation(), document.getElementById('status'));
  window.addEventListener('hashchange', () => void show(pageOf(location.hash), true));
  if (pageOf(location.hash) !== 'tenants') await show(pageOf(location.hash));
  else markCurrent();
  main.setAttribute('aria-busy', 'false');
}

/** Opened in a browser: the tab needs Teams to know who is looking. */
function outsideTeams(): void {
  main.setAttribute('aria-busy', 'false');
  showStatus('');
  main.append(
    paragraphs(
      'This is the **Tenants** tab of the Tenant association app for Microsoft Teams. Open it in Teams: ' +
        'select **Apps**, find **Tenant association**, and choose its **Tenants** tab.',
    ),
  );
}

/** Partner Center's Account settings pages, as links: each is an address of its own. */
function navigation(): HTMLElement {
  const pages: PageName[] = isManager ? ['tenants', 'users', 'history'] : ['tenants', 'users'];
  return h(
    'nav',
    { 'aria-label': 'Account settings' },
    h(
      'ul',
      {},
      ...pages.map((page) => h('li', {}, h('a', { href: `#${page}`, 'data-page': page }, TITLES[page]))),
    ),
  );
}

async function show(name: PageName, moved = false): Promise<void> {
  const visit = ++visits;
  current = name;
  markCurrent();
  showStatus('');
  main.setAttribute('aria-busy', 'true');
  if (name === 'tenants') {
    content.replaceChildren();
    await tenants.show();
  } else if (name === 'users') {
    await users.show();
  } else {
    await history.show();
  }
  // Another link was followed meanwhile: that page says when it is ready.
  if (visit !== visits) return;
  main.setAttribute('aria-busy', 'false');
  // After following a link, reading starts at the new page's title.
  if (moved) document.getElementById('title')?.focus();
}

function markCurrent(): void {
  const title = document.getElementById('title') as HTMLElement;
  title.textContent = TITLES[current];
  title.setAttribute('tabindex', '-1');
  document.title = `${TITLES[current]} | Tenant association`;
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a[data-page]')) {
    if (link.dataset.page === current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function pageOf(hash: string): PageName {
  const name = hash.replace(/^#/, '');
  if (name === 'users') return 'users';
  if (name === 'history' && isManager) return 'history';
  return 'tenants';
}

function applyTheme(): void {
  document.body.dataset.theme = theme;
}

void start();
