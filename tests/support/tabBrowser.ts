import { readFileSync } from 'node:fs';
import type { Frame, Page } from 'playwright-core';
import type { HeadlessChromium } from './headlessChromium';
import type { LocalBot } from './localBot';

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The Tenants tab in headless Chromium, framed by the sandbox's Teams host page, driven the way a person drives
 * it. Two things about this setup shape the helpers: the tab's Content-Security-Policy refuses eval, so nothing
 * waits with Playwright's waitForFunction (its predicates are evaluated with eval) and text is polled instead; and
 * Playwright's frame.click does not settle under Jest here, so clicks are the mouse's, at the element's box.
 */
export class TabBrowser {
  constructor(
    private readonly chromium: HeadlessChromium,
    private readonly bot: LocalBot,
  ) {}

  /** The host page's link from the start-up text, for one demo person. */
  hostUrl(user: string, theme = 'default'): string {
    const printed = /Tenants tab:\s+(\S+)/.exec(this.bot.output())?.[1];
    if (!printed) throw new Error(`npm start printed no Tenants tab link:\n${this.bot.output()}`);
    const url = new URL(printed);
    url.searchParams.set('user', user);
    url.searchParams.set('theme', theme);
    return url.href;
  }

  /** The tab as `user` opens it in Teams, on one of its pages (`#users`, `#history`). */
  async open(
    user: string,
    options: { theme?: string; page?: string } = {},
  ): Promise<{ page: Page; tab: Frame }> {
    const page = await this.chromium.context.newPage();
    const url = new URL(this.hostUrl(user, options.theme));
    if (options.page) {
      const app = new URL(url.searchParams.get('app') ?? '');
      app.hash = options.page;
      url.searchParams.set('app', app.href);
    }
    await page.goto(url.href);
    const tab = await (await page.waitForSelector('#tab')).contentFrame();
    if (!tab) throw new Error('The host page has no tab frame.');
    await tab.waitForSelector('#main[aria-busy="false"]');
    return { page, tab };
  }
}

/** With the mouse, where the element is. */
export async function click(page: Page, tab: Frame, selector: string): Promise<void> {
  const frameBox = await page.locator('#tab').boundingBox();
  await tab.evaluate(
    `document.querySelector(${JSON.stringify(selector)}).scrollIntoView({ block: 'center' })`,
  );
  const box = (await tab.evaluate(
    `(() => { const r = document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; })()`,
  )) as { x: number; y: number; width: number; height: number };
  if (!frameBox) throw new Error('The tab frame is not on the page.');
  await page.mouse.click(frameBox.x + box.x + box.width / 2, frameBox.y + box.y + box.height / 2);
}

/** Presses the button (within `scope`) that reads `label`: the card's buttons carry no ids of their own. */
export async function press(page: Page, tab: Frame, label: string, scope = 'body'): Promise<void> {
  await tab.evaluate(`(() => {
    const button = [...document.querySelector(${JSON.stringify(scope)}).querySelectorAll('button')]
      .find((b) => b.textContent.trim() === ${JSON.stringify(label)});
    if (!button) throw new Error('No button reads ' + ${JSON.stringify(label)});
    button.setAttribute('data-press', '');
  })()`);
  await click(page, tab, 'button[data-press]');
  await tab.evaluate(`document.querySelector('button[data-press]')?.removeAttribute('data-press')`);
}

/** Types into a field as a person would: it gets focus with a click, then the keys. */
export async function type(page: Page, tab: Frame, selector: string, text: string): Promise<void> {
  await click(page, tab, selector);
  await page.keyboard.type(text);
}

/** Waits until the element shows `text`. */
export async function waitForText(
  tab: Frame,
  selector: string,
  text: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await tab.innerText(selector).catch(() => '')).includes(text)) {
    if (Date.now() > deadline) {
      const shown = await tab.innerText(selector).catch(() => `(no ${selector})`);
      throw new Error(`${selector} never showed "${text}": ${shown}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until `selector` matches nothing. */
export async function waitForGone(tab: Frame, selector: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await tab.$(selector)) {
    if (Date.now() > deadline) throw new Error(`${selector} is still there`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Clicks what opens the sign-in pop-up, picks `upn` on Entra ID's account picker, and waits for it to close. */
export async function signInThroughPopUp(page: Page, opens: () => Promise<void>, upn: string): Promise<URL> {
  const [popup] = await Promise.all([page.context().waitForEvent('page'), opens()]);
  await popup.waitForLoadState();
  const url = new URL(popup.url());
  await popup.getByText(upn).first().click();
  await popup.waitForEvent('close');
  return url;
}

/** What axe-core finds wrong with the page as it is now. */
export async function accessibilityViolations(tab: Frame): Promise<string[]> {
  await tab.evaluate(AXE);
  const results = (await tab.evaluate('axe.run(document)')) as {
    violations: { id: string; help: string; nodes: { html: string }[] }[];
  };
  return results.violations.map((v) => `${v.id}: ${v.help}: ${v.nodes.map((n) => n.html).join(' | ')}`);
}

/** The element that has focus, as a person would name it: a field by its label, else by its id or its text. */
export async function focused(tab: Frame): Promise<string> {
  return (await tab.evaluate(`(() => {
    const e = document.activeElement;
    if (!e) return '';
    if (e.labels && e.labels.length > 0) return e.labels[0].textContent.trim();
    return e.id ? '#' + e.id : e.textContent.trim();
  })()`)) as string;
}

/** Switches to phone width on the host page, and waits until the tab has narrowed. */
export async function phoneWidth(page: Page, tab: Frame): Promise<void> {
  await page.click('#phone-width');
  const deadline = Date.now() + 5_000;
  while (((await tab.evaluate('window.innerWidth')) as number) >= 500 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** How far the page runs past the tab's width: a phone would scroll sideways. */
export async function sidewaysOverflow(tab: Frame): Promise<number> {
  return (await tab.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
}
