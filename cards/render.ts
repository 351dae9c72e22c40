import { Template } from 'adaptivecards-templating';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export interface CardAttachment {
  contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE;
  content: Record<string, unknown>;
}

/** Expands a template with its view; templates are parsed once per process and never mutated. */
export function renderer<View extends object>(template: object): (view: View) => CardAttachment {
  const compiled = new Template(template);
  return (view) => ({
    contentType: ADAPTIVE_CARD_CONTENT_TYPE,
    content: compiled.expand({ $root: view }) as Record<string, unknown>,
  });
}

/** Adaptive Card text functions render a timestamp in the reader's own locale and time zone. */
export function localTime(iso: string): string {
  const utc = new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `{{DATE(${utc}, SHORT)}} {{TIME(${utc})}}`;
}
