import { readFileSync } from 'node:fs';
import type { Frame, Page } from 'playwright-core';
import { launchHeadlessChromium, type HeadlessChromium } from '../support/headlessChromium';
import { startLocalBot, type LocalBot } from '../support/localBot';
import { askTheBot } from '../support/localChat';

jest.setTimeout(120_000);

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The Tenants tab as a person uses it, in headless Chromium: the bot started as `npm start` starts it (local
 * mode, the sandbox in its own process), the tab framed by the sandbox's Teams host page.
 */
describe('the Tenants tab, in a browser, through the Teams host page', () => {
  let bot: LocalBot;
  let chromium: HeadlessChromium;

  beforeAll(async () => {
    bot = await startLocalBot();
    chromium = await launchHeadlessChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await bot?.stop();
  });

  /** The host page's link from the start-up text, for one demo person. */
  function hostUrl(user: string, theme = 'default'): string {
    const printed = /Tenants tab:\s+(\S+)/.exec(bot.output())?.[1];
    if (!printed) throw new Error(`npm start printed no Tenants tab link:\n${bot.output()}`);
    const url = new URL(printed);
    url.searchParams.set('user', user);
    url.searchParams.set('theme', theme);
    return url.href;
  }

  async function openTab(user: string, theme = 'default'): Promise<{ page: Page; tab: Frame }> {
    const page = await chromium.context.newPage();
    await page.goto(hostUrl(user, theme));
    const tab = await (await page.waitForSelector('#tab')).contentFrame();
    if (!tab) throw new Error('The host page has no tab frame.');
    await tab.waitForSelector('#main[aria-busy="false"]');
    return { page, tab };
  }

  /** With the mouse, where the element is (Playwright's frame.click does not finish under Jest here). */
  async function click(page: Page, tab: Frame, selector: string): Promise<void> {
    const frameBox = await page.locator('#tab').boundingBox();
    const box = (await tab.evaluate(
      `(() => { const r = document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; })()`,
    )) as { x: number; y: number; width: number; height: number };
    if (!frameBox) throw new Error('The tab frame is not on the page.');
    await page.mouse.click(frameBox.x + box.x + box.width / 2, frameBox.y + box.y + box.height / 2);
  }

  /** Presses the button that reads `label` (the card's buttons carry no ids of their own). */
  async function press(page: Page, tab: Frame, label: string): Promise<void> {
    await tab.evaluate(`(() => {
      const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === ${JSON.stringify(label)});
      if (!button) throw new Error('No such button');
      button.setAttribute('data-press', '');
    })()`);
    await click(page, tab, 'button[data-press]');
    await tab.evaluate(`document.querySelector('button[data-press]').removeAttribute('data-press')`);
  }

  /** "Associate another Azure AD tenant", the pop-up, a demo account picked there: the tab's review. */
  async function associateThroughPopUp(page: Page, tab: Frame, upn: string): Promise<void> {
    const [popup] = await Promise.all([page.context().waitForEvent('page'), click(page, tab, '#associate')]);
    await popup.waitForLoadState();
    expect(new URL(popup.url()).pathname).toBe('/organizations/oauth2/v2.0/authorize');
    expect(new URL(popup.url()).searchParams.get('prompt')).toBe('select_account');
    await popup.getByText(upn).first().click();
    await popup.waitForEvent('close');
  }

  /**
   * Waits until the element shows `text`. (Playwright's waitForFunction evaluates its predicate with eval,
   * which the tab's Content-Security-Policy rightly refuses.)
   */
  async function waitForText(tab: Frame, selector: string, text: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await tab.innerText(selector).catch(() => '')).includes(text)) {
      if (Date.now() > deadline)
        throw new Error(`${selector} never showed "${text}": ${await tab.innerText(selector)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function accessibilityViolations(tab: Frame): Promise<string[]> {
    await tab.evaluate(AXE);
    const results = (await tab.evaluate('axe.run(document)')) as {
      violations: { id: string; help: string; nodes: { html: string }[] }[];
    };
    return results.violations.map((v) => `${v.id}: ${v.help}: ${v.nodes.map((n) => n.html).join(' | ')}`);
  }

  test('a Manager sees the account’s tenants and can associate one; the page passes axe in every theme', async () => {
    for (const theme of ['default', 'dark', 'contrast']) {
      const { page, tab } = await openTab('nestor', theme);
      try {
        expect(await tab.getAttribute('body', 'data-theme')).toBe(theme);
        const text = await tab.innerText('#overview');
        // R10: the account's own tenant, from the start.
        expect(text).toContain('Adatum');
        expect(text).toContain('5f1a2b3c-0000-4a11-9d00-adadadadadad');
        expect(await tab.isVisible('#associate')).toBe(true);
        expect(await accessibilityViolations(tab)).toEqual([]);
      } finally {
        await page.close();
      }
    }
  });

  test('a Manager associates Fabrikam through the pop-up, confirms the review, and the bot lists it too', async () => {
    const { page, tab } = await openTab('nestor');
    try {
      await associateThroughPopUp(page, tab, 'adele@fabrikam.com');
      await tab.waitForSelector('#review .ac-adaptiveCard');
      const review = await tab.innerText('#review');
      for (const fact of [
        'Associate Fabrikam, Inc.',
        'fabrikam.com',
        'fabrikam.onmicrosoft.com',
        'adele@fabrikam.com',
      ]) {
        expect(review).toContain(fact);
      }
      expect(await accessibilityViolations(tab)).toEqual([]);

      await press(page, tab, 'Confirm');
      await waitForText(tab, '#review', 'Associated by');
      await waitForText(tab, '#overview', 'Fabrikam');
      expect(await tab.innerText('#overview')).toContain('fab1fab1-2222-4e3f-8a00-fabfabfabfab');

      const replies = await askTheBot(bot, 'nestor', 'tenants');
      expect(JSON.stringify(replies)).toContain('Fabrikam, Inc.');
    } finally {
      await page.close();
    }
  });

  test('R8: associating a tenant that already is says so, and nothing is added', async () => {
    const { page, tab } = await openTab('lidia');
    try {
      await associateThroughPopUp(page, tab, 'grady@fabrikam.com');
      await tab.waitForFunction(
        `document.querySelector('#status')?.textContent.includes('already associated')`,
      );
      const tenants = await tab.$$eval('table.tenants tbody tr', (rows) => rows.length);
      expect(tenants).toBe(2);
    } finally {
      await page.close();
    }
  });

  test('R1: a Developer sees the list and no Associate button', async () => {
    const { page, tab } = await openTab('diego');
    try {
      expect(await tab.innerText('#overview')).toContain('Adatum');
      expect(await tab.$('#associate')).toBeNull();
      expect(await tab.innerText('#overview')).toContain('Only users with the Manager role');
    } finally {
      await page.close();
    }
  });

  test('by keyboard alone: Tab reaches the Associate button, Enter opens the pop-up, closing it says so', async () => {
    const { page, tab } = await openTab('nestor');
    try {
      for (let i = 0; i < 15 && (await tab.evaluate('document.activeElement?.id')) !== 'associate'; i++) {
        await page.keyboard.press('Tab');
      }
      expect(await tab.evaluate('document.activeElement?.id')).toBe('associate');
      const [popup] = await Promise.all([page.context().waitForEvent('page'), page.keyboard.press('Enter')]);
      await popup.close();
      await waitForText(tab, '#status', 'The sign-in was closed. Nothing was associated.');
    } finally {
      await page.close();
    }
  });

  test('at phone width the tenants stay readable without sideways scrolling', async () => {
    const { page, tab } = await openTab('nestor');
    try {
      await page.click('#phone-width');
      const deadline = Date.now() + 5_000;
      while (((await tab.evaluate('window.innerWidth')) as number) >= 500 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const overflow = (await tab.evaluate(
        'document.documentElement.scrollWidth - window.innerWidth',
      )) as number;
      expect(overflow).toBeLessThanOrEqual(0);
      // Each tenant becomes a block of labelled lines rather than a row of a wide table.
      expect(await tab.evaluate(`getComputedStyle(document.querySelector('table.tenants td')).display`)).toBe(
        'block',
      );
      expect(await accessibilityViolations(tab)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  test('opened outside Teams, the tab says how to open it in Teams; its pages allow no inline script', async () => {
    const response = await fetch(`${bot.origin.replace('127.0.0.1', 'localhost')}/tab`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toMatch(/frame-ancestors [^;]*https:\/\/teams\.microsoft\.com/);
    expect(await response.text()).not.toMatch(/<script(?![^>]*\bsrc=)/);

    const page = await chromium.context.newPage();
    try {
      await page.goto(`${bot.origin.replace('127.0.0.1', 'localhost')}/tab`);
      await page.waitForSelector('#main[aria-busy="false"]');
      expect(await page.innerText('#main')).toContain('Open it in Teams');
    } finally {
      await page.close();
    }
  });
});
