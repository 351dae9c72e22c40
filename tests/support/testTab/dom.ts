/**
 * The few DOM types the test pages use. The project compiles without the DOM library (these pages are the only
 * browser code under tests/), so they are declared here rather than pulled in for every file.
 */
export interface PageElement {
  textContent: string | null;
  value?: string;
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
  addEventListener(type: 'click', listener: () => void): void;
}

export interface PageDocument {
  readonly body: PageElement;
  getElementById(id: string): PageElement | null;
  querySelector(selectors: string): PageElement | null;
}

export interface PageWindow {
  readonly location: { readonly search: string; readonly href: string };
}

/** Reads a `<meta name content>` the test server wrote into the page. */
export function meta(document: PageDocument, name: string): string | undefined {
  return document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? undefined;
}
