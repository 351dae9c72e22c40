import type { Frame, Page } from 'playwright-core';
import { launchHeadlessChromium, type HeadlessChromium } from '../support/headlessChromium';
import { startLocalBot, type LocalBot } from '../support/localBot';
import { askTheBot } from '../support/localChat';
import {
  accessibilityViolations,
  click,
  phoneWidth,
  press,
  sidewaysOverflow,
  signInThroughPopUp,
  TabBrowser,
  waitForText,
} from '../support/tabBrowser';

jest.setTimeout(120_000);

/**
 * The Tenants tab as a person uses it, in headless Chromium: the bot started as `npm start` starts it (local
 * mode, the sandbox in its own process), the tab framed by the sandbox's Teams host page.
 */
describe('the Tenants tab, in a browser, through the Teams host page', () => {
  let bot: LocalBot;
  let chromium: HeadlessChromium;
  let browser: TabBrowser;

  beforeAll(async () => {
    bot = await startLocalBot();
    chromium = await launchHeadlessChromium();
    browser = new TabBrowser(chromium, bot);
  });
  afterAll(async () => {
    await chromium?.close();
    await bot?.stop();
  });

  const openTab = (user: string, theme = 'default') => browser.open(user, { theme });

  /** "Associate another Azure AD tenant", the pop-up, a demo account picked there: the tab's review. */
  async function associateThroughPopUp(page: Page, tab: Frame, upn: string): Promise<void> {
    const popUp = await signInThroughPopUp(page, () => click(page, tab, '#associate'), upn);
    expect(popUp.pathname).toBe('/organizations/oauth2/v2.0/authorize');
    expect(popUp.searchParams.get('prompt')).toBe('select_account');
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
      await waitForText(tab, '#status', 'already associated');
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
      await phoneWidth(page, tab);
      expect(await sidewaysOverflow(tab)).toBeLessThanOrEqual(0);
      // Each tenant becomes a block of labelled lines rather than a row of a wide table.
      expect(await tab.evaluate(`getComputedStyle(document.querySelector('table.tenants td')).display`)).toBe(
        'block',
      );
      expect(await accessibilityViolations(tab)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  test('Cancel answered after the person went on to History: the review is drawn over no other page', async () => {
    const { page, tab } = await openTab('nestor');
    // The server's answer to Cancel is held, as on a slow network, until the person is on History.
    let cancelled!: () => void;
    const cancelSent = new Promise<void>((resolve) => (cancelled = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/tab/api/requests/*/cancel', async (route) => {
      cancelled();
      await released;
      await route.continue();
    });
    try {
      await associateThroughPopUp(page, tab, 'megan@contoso.com');
      await waitForText(tab, '#review-heading', 'Review the tenant');
      await press(page, tab, 'Cancel', '#review');
      await cancelSent;
      await click(page, tab, 'nav a[data-page="history"]');
      await waitForText(tab, '#history-heading', 'newest first');

      const answered = page.waitForEvent('requestfinished', (request) => request.url().endsWith('/cancel'));
      release();
      await answered;
      // The tab draws an answer as soon as it has it: were it to, a second is ample to see it.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await tab.innerText('#title')).toBe('History');
      expect(await tab.$('#review')).toBeNull();
      expect(await tab.$('#overview')).toBeNull();
      expect(await tab.$('#history-heading')).not.toBeNull();
      // Nor is Cancel's notice said there.
      expect(await tab.innerText('#status')).not.toContain('Cancelled');
    } finally {
      release();
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
