import type { TeamsTheme } from '../../../cards/hostConfig';
import { paragraphs } from './dom';
import { ApiError } from './teams';

/** The tab's pages, each at its own address (#users, #history) so Back and a reload stay where they were. */
export type PageName = 'tenants' | 'users' | 'history';

/** What every page shares: where it draws, the status line, the theme, and the other pages. */
export interface Shell {
  /** The page's own area, under the title and the navigation. */
  readonly content: HTMLElement;
  theme(): TeamsTheme;
  setStatus(text: string): void;
  /** The page now showing, taken before waiting on the server: see `Visit`. */
  visit(): Visit;
}

/**
 * Whether the person is still on the page where they asked. The server can answer after they followed a
 * link (to another page, or to this one anew): that answer is drawn nowhere, not even as a status line, or
 * it would show over the page they are on now.
 */
export type Visit = () => boolean;

/** The words for what went wrong: the server's when it said any, else that nothing was changed. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'Something went wrong and nothing was changed. Please try again.';
}

/** Closing the sign-in pop-up is the person changing their mind. */
export function wasClosed(error: unknown): boolean {
  return /CancelledByUser/i.test(String(error));
}

export function statusElement(): HTMLElement {
  return document.getElementById('status') as HTMLElement;
}

/** Says `text` in the live region, and brings it into view: on a long page the line is far above the button. */
export function showStatus(text: string): void {
  const status = statusElement();
  status.replaceChildren(text ? paragraphs(text) : '');
  if (text && status.getBoundingClientRect().top < 0) status.scrollIntoView({ block: 'nearest' });
}
