import type { TeamsTheme } from '../../../cards/hostConfig';
import { h, paragraphs } from './dom';
import { renderCard } from './review';
import { api, ApiError, connect, signInPopUp } from './teams';
import { overviewView, type Overview } from './view';

interface Review {
  requestId: string;
  state: string;
  card: object;
  notice?: string;
}

type SignInResult = { ok: true; requestId: string } | { ok: false; message: string };

const main = document.getElementById('main') as HTMLElement;
let theme: TeamsTheme = 'default';
let review: Review | undefined;

async function start(): Promise<void> {
  const host = await connect((changed) => {
    theme = changed;
    applyTheme();
    if (review) showReview(review);
  });
  if (!host) return outsideTeams();
  theme = host.theme;
  document.documentElement.lang = host.locale || 'en';
  applyTheme();
  await refresh();
}

/** Opened in a browser: the tab needs Teams to know who is looking. */
function outsideTeams(): void {
  main.setAttribute('aria-busy', 'false');
  setStatus('');
  main.append(
    paragraphs(
      'This is the **Tenants** tab of the Tenant association app for Microsoft Teams. Open it in Teams: ' +
        'select **Apps**, find **Tenant association**, and choose its **Tenants** tab.',
    ),
  );
}

async function refresh(): Promise<void> {
  try {
    const overview = await api<Overview>('/tab/api/overview');
    const content = overviewView(overview, {
      associate: () => void associate(),
      review: (id) => void open(id),
    });
    content.id = 'overview';
    document.getElementById('overview')?.remove();
    main.insertBefore(content, document.getElementById('review') ?? null);
    main.setAttribute('aria-busy', 'false');
    setStatus('');
  } catch (error) {
    main.setAttribute('aria-busy', 'false');
    setStatus(messageOf(error));
  }
}

/** "Associate another Azure AD tenant": a sign-in pop-up for the tenant, then its review here. */
async function associate(): Promise<void> {
  try {
    const { url } = await api<{ url: string }>('/tab/api/sign-ins', { method: 'POST', body: {} });
    setStatus('Sign in to the tenant you want to associate, in the window that opened.');
    const result = JSON.parse(await signInPopUp(url)) as SignInResult;
    if (!result.ok) return setStatus(result.message);
    await open(result.requestId);
  } catch (error) {
    // Closing the pop-up is the person changing their mind: say nothing alarming.
    setStatus(
      /CancelledByUser/i.test(String(error))
        ? 'The sign-in was closed. Nothing was associated.'
        : messageOf(error),
    );
  }
}

async function open(requestId: string): Promise<void> {
  try {
    showReview(await api<Review>(`/tab/api/requests/${encodeURIComponent(requestId)}`));
    setStatus('');
  } catch (error) {
    setStatus(messageOf(error));
  }
}

async function act(verb: string): Promise<void> {
  if (!review) return;
  try {
    const next = await api<Review>(`/tab/api/requests/${encodeURIComponent(review.requestId)}/${verb}`, {
      method: 'POST',
      body: {},
    });
    showReview(next);
    setStatus(next.notice ?? '');
    await refresh();
  } catch (error) {
    setStatus(messageOf(error));
  }
}

function showReview(next: Review): void {
  review = next;
  const rendered = renderCard(next.card, theme, (verb) => void act(verb));
  const section = h(
    'section',
    { id: 'review', 'aria-labelledby': 'review-heading', tabindex: '-1' },
    h('h2', { id: 'review-heading' }, next.state === 'awaitingConfirm' ? 'Review the tenant' : 'The request'),
    rendered ?? paragraphs('This card could not be shown.'),
  );
  const shown = document.getElementById('review');
  if (shown) shown.replaceWith(section);
  else main.append(section);
  section.focus();
}

function applyTheme(): void {
  document.body.dataset.theme = theme;
}

function setStatus(text: string): void {
  const status = document.getElementById('status') as HTMLElement;
  status.replaceChildren(text ? paragraphs(text) : '');
}

function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'Something went wrong and nothing was changed. Please try again.';
}

void start();
