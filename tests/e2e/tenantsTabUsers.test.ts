import { readFileSync } from 'node:fs';
import { launchHeadlessChromium, type HeadlessChromium } from '../support/headlessChromium';
import { startLocalBot, type LocalBot } from '../support/localBot';
import { askTheBot } from '../support/localChat';
import {
  accessibilityViolations,
  click,
  focused,
  phoneWidth,
  press,
  sidewaysOverflow,
  signInThroughPopUp,
  TabBrowser,
  type,
  waitForGone,
  waitForText,
} from '../support/tabBrowser';

jest.setTimeout(120_000);

const CONTOSO = 'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0';
const ADATUM = '5f1a2b3c-0000-4a11-9d00-adadadadadad';
const ALEX = `${CONTOSO}/c0a1b2c3-aaaa-4000-8000-000000000002`;

/**
 * Remove, the Users page and the history in the Tenants tab, as people use them in a browser: the bot started as
 * `npm start` starts it, the tab framed by the sandbox's Teams host page, the sign-ins in Entra ID's pop-up. The
 * tests follow one account's day, in order: Contoso is associated, two of its people get roles, one changes, the
 * tenant is removed again, and the history tells all of it.
 */
describe('Remove, Users and History in the Tenants tab, in a browser', () => {
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

  test('R12: Remove on the Manager’s own tenant is refused, and the tab says why', async () => {
    const { page, tab } = await browser.open('nestor');
    try {
      expect(await tab.innerText(`button[data-remove="${ADATUM}"]`)).toContain('Remove');
      await click(page, tab, `button[data-remove="${ADATUM}"]`);
      await waitForText(tab, '#status', "Adatum is the tenant you use Teams with, so you can't remove it");
      expect(await tab.$('#review')).toBeNull();
    } finally {
      await page.close();
    }
  });

  test('someone who is not a Manager sees their own roles and the Managers, and nothing to change', async () => {
    const { page, tab } = await browser.open('diego', { page: '#users' });
    try {
      await waitForText(tab, '#users', 'Your roles in Adatum Software (Partner Center): Developer');
      const text = await tab.innerText('#users');
      expect(text).toContain('Nestor Wilke');
      expect(text).toContain('Lidia Holloway');
      expect(text).not.toContain('Joni Sherman');
      expect(await tab.$('button[data-change-roles], button[data-remove-user], form.add-users')).toBeNull();
      expect(await tab.$('nav a[data-page="history"]')).toBeNull();
      expect(await tab.$('nav a[data-page="tenants"]')).not.toBeNull();
      expect(await accessibilityViolations(tab)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  test('a Manager associates Contoso, signs in to it as Megan from the Users page, and adds Alex as Developer and Marketer', async () => {
    const { page, tab } = await browser.open('nestor');
    try {
      await signInThroughPopUp(page, () => click(page, tab, '#associate'), 'megan@contoso.com');
      await tab.waitForSelector('#review .ac-adaptiveCard');
      await press(page, tab, 'Confirm', '#review');
      await waitForText(tab, '#overview', 'Contoso Ltd');

      await click(page, tab, 'nav a[data-page="users"]');
      await waitForText(tab, '#title', 'Users');
      expect(await tab.getAttribute('nav a[data-page="users"]', 'aria-current')).toBe('page');
      const contoso = `section[data-tenant="${CONTOSO}"]`;
      // R11: Megan, who signed in to associate it, is its first Manager; Nestor is no user of Contoso (R6).
      await waitForText(tab, contoso, 'Megan Bowen');
      expect(await tab.innerText(contoso)).toContain(
        'sign in to Contoso Ltd as one of its users who is a Manager',
      );
      expect(await tab.$(`${contoso} button[data-change-roles]`)).toBeNull();

      await type(page, tab, `${contoso} input[type="search"]`, 'alex');
      const popUp = await signInThroughPopUp(
        page,
        () => press(page, tab, 'Search Contoso Ltd', contoso),
        'megan@contoso.com',
      );
      expect(popUp.pathname).toBe('/organizations/oauth2/v2.0/authorize');
      expect(popUp.searchParams.get('prompt')).toBe('select_account');
      await waitForText(tab, `${contoso} fieldset.found`, 'Alex Wilber');
      expect(await tab.innerText(contoso)).toContain('Signed in to Contoso Ltd as Megan Bowen');
      expect(await accessibilityViolations(tab)).toEqual([]);

      await click(page, tab, `${contoso} input[name="user"][value="${ALEX.split('/')[1]}"]`);
      await click(page, tab, `${contoso} input[name="role"][value="Developer"]`);
      await click(page, tab, `${contoso} input[name="role"][value="Marketer"]`);
      await press(page, tab, 'Add to Adatum Software (Partner Center)', contoso);
      await waitForText(tab, '#status', 'Added Alex Wilber as Developer, Marketer: the roles apply at once.');
      await waitForText(tab, `${contoso} tr[data-user="${ALEX}"]`, 'Developer, Marketer');
      // The search's results say so too: Alex is not offered twice.
      expect(await tab.innerText(`${contoso} fieldset.found`)).toContain(
        'already a user: Developer, Marketer',
      );
    } finally {
      await page.close();
    }
  });

  test('by keyboard alone, a Manager changes Alex’s roles in the dialog; focus comes back to where it was', async () => {
    const { page, tab } = await browser.open('nestor', { page: '#users' });
    try {
      // Signed in to Contoso still (the sign-in lasts its lifetime, whoever's page asks).
      const change = `button[data-change-roles="${ALEX}"]`;
      await tab.waitForSelector(change);
      await tab.evaluate(`document.querySelector(${JSON.stringify(change)}).focus()`);
      await page.keyboard.press('Enter');
      await tab.waitForSelector('dialog[open]');
      await waitForText(tab, 'dialog[open]', 'Change the roles of Alex Wilber');
      expect(await accessibilityViolations(tab)).toEqual([]);
      // The first box (Manager) has focus; Tab moves on to Developer, which Space unticks.
      for (let i = 0; i < 4 && (await focused(tab)) !== 'Developer'; i++) await page.keyboard.press('Tab');
      expect(await focused(tab)).toBe('Developer');
      await page.keyboard.press('Space');
      for (let i = 0; i < 8 && (await focused(tab)) !== 'Save'; i++) await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await waitForGone(tab, 'dialog[open]');
      await waitForText(tab, '#status', 'Alex Wilber now has the roles Marketer.');
      await waitForText(tab, `tr[data-user="${ALEX}"]`, 'Marketer');
      expect(await tab.evaluate('document.activeElement?.getAttribute("data-change-roles")')).toBe(ALEX);

      // Escape closes the dialog and changes nothing.
      await page.keyboard.press('Enter');
      await tab.waitForSelector('dialog[open]');
      await page.keyboard.press('Escape');
      await waitForGone(tab, 'dialog[open]');
      expect(await tab.innerText(`tr[data-user="${ALEX}"]`)).not.toContain('Developer');
    } finally {
      await page.close();
    }
  });

  test('Remove Contoso: the review says whose roles go, Confirm removes it, and its users are gone', async () => {
    const { page, tab } = await browser.open('nestor');
    try {
      await click(page, tab, `button[data-remove="${CONTOSO}"]`);
      await tab.waitForSelector('#review .ac-adaptiveCard');
      await waitForText(tab, '#review-heading', 'Review the removal');
      const review = await tab.innerText('#review');
      for (const fact of [
        'Contoso Ltd',
        'Megan Bowen loses the role Manager',
        'Alex Wilber loses the role Marketer',
        'Nothing is removed until you select Confirm',
      ])
        expect(review).toContain(fact);
      await waitForText(tab, '#overview', 'Removing Contoso Ltd');
      expect(await accessibilityViolations(tab)).toEqual([]);

      await press(page, tab, 'Confirm', '#review');
      await waitForText(tab, '#review', 'Removed by Nestor Wilke');
      await waitForGone(tab, `button[data-remove="${CONTOSO}"]`);
      expect(await tab.innerText('#overview')).not.toContain('Contoso');

      await click(page, tab, 'nav a[data-page="users"]');
      await waitForText(tab, '#title', 'Users');
      await tab.waitForSelector('#users');
      expect(await tab.innerText('#users')).not.toContain('Alex Wilber');
      expect(JSON.stringify(await askTheBot(bot, 'nestor', 'tenants'))).not.toContain('Contoso');
    } finally {
      await page.close();
    }
  });

  test('the history tells all of it, newest first, and downloads as CSV', async () => {
    const { page, tab } = await browser.open('nestor', { theme: 'dark' });
    try {
      await click(page, tab, 'nav a[data-page="history"]');
      await waitForText(tab, '#history', 'Nestor Wilke removed Contoso Ltd: its users lost their roles.');
      const lines = (await tab.innerText('#history tbody')).split('\n');
      const at = (text: string) => lines.findIndex((line) => line.includes(text));
      // Alex's roles were given and changed by Megan, as whom Nestor signed in to Contoso (R6).
      expect(at('Nestor Wilke removed Contoso Ltd')).toBeGreaterThanOrEqual(0);
      expect(at('Nestor Wilke removed Contoso Ltd')).toBeLessThan(
        at('Megan Bowen changed the roles of Alex Wilber to Marketer'),
      );
      expect(at('Megan Bowen changed the roles of Alex Wilber to Marketer')).toBeLessThan(
        at('Megan Bowen added Alex Wilber as Developer, Marketer'),
      );
      expect(at('Megan Bowen added Alex Wilber')).toBeLessThan(at('Nestor Wilke associated Contoso Ltd.'));
      expect(await accessibilityViolations(tab)).toEqual([]);

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        click(page, tab, '#download-csv'),
      ]);
      expect(download.suggestedFilename()).toMatch(
        /^adatum-software-partner-center-history-\d{4}-\d{2}-\d{2}\.csv$/,
      );
      const csv = readFileSync(await download.path(), 'utf8');
      expect(csv.split('\r\n')[0]).toBe(
        '\uFEFF"When (UTC)","What happened","Event","By","By: tenant ID","By: object ID","Organization","Tenant ID","User","User: object ID","Roles","Request ID"',
      );
      expect(csv).toContain('"Nestor Wilke removed Contoso Ltd: its users lost their roles."');
      await waitForText(tab, '#status', 'Downloaded adatum-software-partner-center-history-');
    } finally {
      await page.close();
    }
  });

  test('R13: the last Manager cannot give up the role; the dialog says why and nothing changes', async () => {
    const { page, tab } = await browser.open('nestor', { page: '#users', theme: 'contrast' });
    try {
      const lidiaRow = await tab.$$eval('tr[data-user]', (rows) =>
        rows.filter((r) => r.textContent?.includes('Lidia Holloway')).map((r) => r.getAttribute('data-user')),
      );
      expect(lidiaRow).toHaveLength(1);
      await click(page, tab, `button[data-remove-user="${lidiaRow[0]}"]`);
      await waitForText(tab, 'dialog[open]', 'Remove Lidia Holloway from Adatum Software (Partner Center)?');
      await press(page, tab, 'Remove', 'dialog[open]');
      await waitForText(tab, '#status', 'Lidia Holloway is no longer a user of the account.');

      const nestorRow = await tab.$$eval('tr[data-user]', (rows) =>
        rows.filter((r) => r.textContent?.includes('Nestor Wilke')).map((r) => r.getAttribute('data-user')),
      );
      await click(page, tab, `button[data-change-roles="${nestorRow[0]}"]`);
      await tab.waitForSelector('dialog[open]');
      await click(page, tab, 'dialog[open] input[value="Manager"]');
      await click(page, tab, 'dialog[open] input[value="Developer"]');
      await press(page, tab, 'Save', 'dialog[open]');
      await waitForText(
        tab,
        'dialog[open] [role="alert"]',
        'Nestor Wilke is the last Manager of Adatum Software (Partner Center): the account always keeps at least one.',
      );
      expect(await accessibilityViolations(tab)).toEqual([]);
      await press(page, tab, 'Cancel', 'dialog[open]');
      await waitForGone(tab, 'dialog[open]');
      expect(await tab.innerText(`tr[data-user="${nestorRow[0]}"]`)).toContain('Manager');
    } finally {
      await page.close();
    }
  });

  test('at phone width the Users and History pages read without sideways scrolling, in dark and contrast', async () => {
    for (const [name, theme] of [
      ['#users', 'dark'],
      ['#history', 'contrast'],
    ]) {
      const { page, tab } = await browser.open('nestor', { page: name, theme });
      try {
        await phoneWidth(page, tab);
        expect(await sidewaysOverflow(tab)).toBeLessThanOrEqual(0);
        const table = name === '#users' ? 'table.users' : 'table.history';
        expect(await tab.evaluate(`getComputedStyle(document.querySelector('${table} td')).display`)).toBe(
          'block',
        );
        expect(await accessibilityViolations(tab)).toEqual([]);
      } finally {
        await page.close();
      }
    }
  });
});
