import { markdownToHtml } from '../../../cards/markdown';

type Child = Node | string | false | null | undefined;

/** A small element builder: text children are text nodes, never HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) element.setAttribute(name, '');
    else if (typeof value === 'string') element.setAttribute(name, value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

/** The product's words carry a little Markdown (bold); the text is escaped before it becomes HTML. */
export function paragraphs(markdown: string): HTMLElement {
  const container = h('div', { class: 'message' });
  container.innerHTML = markdownToHtml(markdown);
  return container;
}

export function localTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
