import { h, paragraphs } from './dom';
import { renderCard } from './review';
import { messageOf, wasClosed, type Shell, type Visit } from './shell';
import { api, signInPopUp } from './teams';
import { overviewView, type Overview } from './view';

interface Review {
  requestId: string;
  kind: 'associate' | 'remove';
  state: string;
  card: object;
  notice?: string;
}

type SignInResult = { ok: true; requestId: string } | { ok: false; message: string };

/**
 * Partner Center's Account settings > Tenants: the tenants with Remove on each, the pending requests, and
 * "Associate another Azure AD tenant"; a request's review (the bot's own card) opens below them.
 */
export class TenantsPage {
  private review: Review | undefined;

  constructor(private readonly shell: Shell) {}

  /** The overview as it stands, above the review shown. */
  async show(stillHere: Visit = this.shell.visit()): Promise<Overview | undefined> {
    try {
      const overview = await api<Overview>('/tab/api/overview');
      if (!stillHere()) return overview;
      const content = overviewView(overview, {
        associate: () => void this.associate(),
        remove: (tenantId) => void this.remove(tenantId),
        review: (id) => void this.open(id),
      });
      content.id = 'overview';
      const shown = document.getElementById('overview');
      if (shown) {
        shown.replaceWith(content);
      } else {
        // Back from another page: a review still waiting for Confirm is back too; a finished one is done with.
        this.shell.content.replaceChildren(content);
        if (this.review?.state === 'awaitingConfirm') this.showReview(this.review, false);
        else this.review = undefined;
      }
      return overview;
    } catch (error) {
      if (stillHere()) this.shell.setStatus(messageOf(error));
      return undefined;
    }
  }

  /** The theme changed: the card is drawn again with the new one. */
  redraw(): void {
    if (this.review && document.getElementById('review')) this.showReview(this.review, false);
  }

  /** "Associate another Azure AD tenant": a sign-in pop-up for the tenant, then its review here. */
  private async associate(): Promise<void> {
    const stillHere = this.shell.visit();
    try {
      const { url } = await api<{ url: string }>('/tab/api/sign-ins', { method: 'POST', body: {} });
      // No pop-up for a page the person left, nor a review after it: the request waits in the overview.
      if (!stillHere()) return;
      this.shell.setStatus('Sign in to the tenant you want to associate, in the window that opened.');
      const result = JSON.parse(await signInPopUp(url)) as SignInResult;
      if (!stillHere()) return;
      if (!result.ok) return this.shell.setStatus(result.message);
      await this.open(result.requestId, stillHere);
    } catch (error) {
      if (!stillHere()) return;
      this.shell.setStatus(
        wasClosed(error) ? 'The sign-in was closed. Nothing was associated.' : messageOf(error),
      );
    }
  }

  /** Remove on a tenant: its review, with what removing it takes away, before anything happens (R12). */
  private async remove(tenantId: string): Promise<void> {
    const stillHere = this.shell.visit();
    try {
      const { requestId } = await api<{ requestId: string }>('/tab/api/removals', {
        method: 'POST',
        body: { tenantId },
      });
      await this.open(requestId, stillHere);
      await this.show(stillHere);
    } catch (error) {
      if (stillHere()) this.shell.setStatus(messageOf(error));
    }
  }

  private async open(requestId: string, stillHere: Visit = this.shell.visit()): Promise<void> {
    try {
      const review = await api<Review>(`/tab/api/requests/${encodeURIComponent(requestId)}`);
      if (!stillHere()) return;
      this.showReview(review);
      this.shell.setStatus('');
    } catch (error) {
      if (stillHere()) this.shell.setStatus(messageOf(error));
    }
  }

  private async act(verb: string): Promise<void> {
    const review = this.review;
    if (!review) return;
    const stillHere = this.shell.visit();
    try {
      const next = await api<Review>(`/tab/api/requests/${encodeURIComponent(review.requestId)}/${verb}`, {
        method: 'POST',
        body: {},
      });
      if (!stillHere()) {
        // Drawn nowhere, but known: back on Tenants, a review that is done is not offered again.
        if (this.review === review) this.review = next;
        return;
      }
      this.showReview(next);
      this.shell.setStatus(next.notice ?? '');
      await this.show(stillHere);
    } catch (error) {
      if (stillHere()) this.shell.setStatus(messageOf(error));
    }
  }

  private showReview(next: Review, focus = true): void {
    this.review = next;
    const rendered = renderCard(next.card, this.shell.theme(), (verb) => void this.act(verb));
    const open = next.state === 'awaitingConfirm';
    const heading =
      next.kind === 'remove'
        ? open
          ? 'Review the removal'
          : 'The removal'
        : open
          ? 'Review the tenant'
          : 'The request';
    const section = h(
      'section',
      { id: 'review', 'aria-labelledby': 'review-heading', tabindex: '-1' },
      h('h2', { id: 'review-heading' }, heading),
      rendered ?? paragraphs('This card could not be shown.'),
    );
    const shown = document.getElementById('review');
    if (shown) shown.replaceWith(section);
    else this.shell.content.append(section);
    if (focus) section.focus();
  }
}
