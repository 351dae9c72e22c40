import type * as AdaptiveCards from 'adaptivecards';

/**
 * The `adaptivecards` package's main entry (lib/) is ES modules without file extensions, which neither Node
 * nor jest can load; its UMD bundle is the same library and loads anywhere.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const library = require('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCards;

/** The newest Adaptive Card version Teams renders. */
export const TEAMS_CARD_VERSION = library.Versions.v1_5;

/**
 * What the Adaptive Cards library finds wrong with a card, as Teams would read it: every parse error and
 * warning (unknown element or action types, invalid property values, properties newer than 1.5) and every
 * validation failure (missing required properties, duplicate or missing input ids), each named by its
 * event and the element it is about. An empty list is a clean card.
 */
export function cardProblems(content: object): string[] {
  const context = new library.SerializationContext(TEAMS_CARD_VERSION);
  const card = new library.AdaptiveCard();
  card.parse(content, context);
  const events: AdaptiveCards.IValidationEvent[] = [];
  for (let i = 0; i < context.eventCount; i++) events.push(context.getEventAt(i));
  events.push(...card.validateProperties().validationEvents);
  const problems = events.map(
    (e) =>
      `${library.ValidationPhase[e.phase]} ${library.ValidationEvent[e.event]}${where(e.source)}: ${e.message}`,
  );
  // The library quietly takes a card without `version` as 1.0; Teams wants it declared.
  if (!('version' in content)) problems.push('The card declares no version.');
  // An invalid version string is already a parse problem; only a valid one can be compared.
  else if (card.version.isValid && card.version.compareTo(TEAMS_CARD_VERSION) > 0) {
    problems.push(
      `Version ${card.version.toString()} is newer than Teams renders (${TEAMS_CARD_VERSION.toString()}).`,
    );
  }
  return problems;
}

function where(source: AdaptiveCards.SerializableObject | undefined): string {
  if (!(source instanceof library.CardObject)) return '';
  return ` in ${source.getJsonTypeName()}${source.id ? ` "${source.id}"` : ''}`;
}
