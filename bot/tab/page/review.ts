import * as AdaptiveCards from 'adaptivecards';
import { teamsHostConfig, type TeamsTheme } from '../../../cards/hostConfig';
import { markdownToHtml } from '../../../cards/markdown';

// Teams renders Markdown in card text; the library leaves that to its host. The text is escaped first.
AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
  result.outputHtml = markdownToHtml(text);
  result.didProcess = true;
};

/**
 * The review card, drawn by the Adaptive Cards renderer from the very template the bot sends in chat. Its
 * buttons are Action.Execute verbs, handed to `onVerb`; the card carries nothing but the request id.
 */
export function renderCard(
  content: object,
  theme: TeamsTheme,
  onVerb: (verb: string) => void,
): HTMLElement | undefined {
  const card = new AdaptiveCards.AdaptiveCard();
  card.hostConfig = new AdaptiveCards.HostConfig(teamsHostConfig(theme));
  card.onExecuteAction = (action) => {
    if (action instanceof AdaptiveCards.ExecuteAction && action.verb) onVerb(action.verb);
  };
  card.parse(content);
  const rendered = card.render();
  // The renderer marks `style: heading` text as a heading without a level; under the tab's h2 it is the third.
  rendered?.querySelectorAll('[role="heading"]:not([aria-level])').forEach((heading) => {
    heading.setAttribute('aria-level', '3');
  });
  return rendered;
}
