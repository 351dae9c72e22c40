import { escapeHtml } from '../../cards/html';
import { markdownToHtml } from '../../cards/markdown';

export interface OAuthCardLook {
  /** The card's text (Markdown), as the bot passes it to `CardFactory.oauthCard`. */
  text: string;
  /** The sign-in button's title. */
  buttonTitle: string;
}

/**
 * The bot's sign-in is an OAuthCard, which Teams draws itself rather than through the Adaptive Cards
 * renderer: the text, then one sign-in button. This is a look-alike of that, in the same chat bubble.
 */
export function oauthCardHtml(card: OAuthCardLook): string {
  return `<div class="oauth-card">
  <div class="oauth-text">${markdownToHtml(card.text)}</div>
  <div class="oauth-buttons"><button class="oauth-button" type="button">${escapeHtml(card.buttonTitle)}</button></div>
</div>`;
}
