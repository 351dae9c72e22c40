import { fork } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Frame, Page } from 'playwright-core';
import { launchHeadlessChromium } from '../../tests/support/headlessChromium';

const ROOT = join(__dirname, '..', '..');

/**
 * The Tenants tab as a Manager sees it in the sandbox's Teams host page: the bot started as `npm start` starts
 * it, a tenant associated through the pop-up, its users, Remove's review, the history, and the Tenants page in
 * Teams' dark theme and at phone width.
 */
export async function takeTabShots(outDir: string): Promise<string[]> {
  const bot = fork(join(ROOT, 'bot', 'index.ts'), [], {
    cwd: ROOT,
    env: { ...process.env, BOT_ID: '', REDIS_URL: '', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const chromium = await launchHeadlessChromium();
  try {
    const host = await tabLink(bot.stdout as NodeJS.ReadableStream);
    const page = await chromium.context.newPage();
    await page.setViewportSize({ width: 1180, height: 760 });
    const written: string[] = [];
    const shoot = async (file: string) => {
      const path = join(outDir, file);
      await page.screenshot({ path });
      written.push(path);
    };

    let tab = await open(page, host);
    await shoot('tab-tenants.png');

    const [popup] = await Promise.all([page.context().waitForEvent('page'), click(page, tab, '#associate')]);
    await popup.waitForLoadState();
    await popup.getByText('adele@fabrikam.com').first().click();
    await tab.waitForSelector('#review .ac-adaptiveCard');
    await tab.evaluate(`document.getElementById('review').scrollIntoView()`);
    await shoot('tab-review.png');

    await press(page, tab, 'Confirm');
    await tab.waitForSelector('#overview :text("Fabrikam")');

    // The Users page: Adele, who associated Fabrikam, is its first Manager; she signs in to add Grady.
    await click(page, tab, 'nav a[data-page="users"]');
    const fabrikam = 'section[data-tenant="fab1fab1-2222-4e3f-8a00-fabfabfabfab"]';
    await tab.waitForSelector(`${fabrikam} input[type="search"]`);
    await tab.locator(`${fabrikam} input[type="search"]`).fill('grady');
    const [search] = await Promise.all([
      page.context().waitForEvent('page'),
      click(page, tab, `${fabrikam} button[type="submit"]`),
    ]);
    await search.waitForLoadState();
    await search.getByText('adele@fabrikam.com').first().click();
    await tab.waitForSelector(`${fabrikam} fieldset.found`);
    await tab.locator(`${fabrikam} fieldset.found input`).first().check();
    await tab.locator(`${fabrikam} input[name="role"][value="Developer"]`).check();
    await click(page, tab, `${fabrikam} button[data-add-users]`);
    await tab.waitForSelector(`${fabrikam} tr:has-text("Grady Archie")`);
    await tab.evaluate(`document.querySelector('${fabrikam}').scrollIntoView()`);
    await shoot('tab-users.png');

    await click(page, tab, `${fabrikam} button[data-change-roles$="000000000002"]`);
    await tab.waitForSelector('dialog[open]');
    await shoot('tab-roles-dialog.png');
    await page.keyboard.press('Escape');

    // Remove on Fabrikam: the review lists what it takes away; Cancel leaves it.
    await click(page, tab, 'nav a[data-page="tenants"]');
    await tab.waitForSelector('button[data-remove="fab1fab1-2222-4e3f-8a00-fabfabfabfab"]');
    await click(page, tab, 'button[data-remove="fab1fab1-2222-4e3f-8a00-fabfabfabfab"]');
    await tab.waitForSelector('#review-heading:text("Review the removal")');
    await tab.evaluate(`document.getElementById('review').scrollIntoView()`);
    await shoot('tab-removal.png');
    await press(page, tab, 'Cancel');
    // Cancel's answer redraws the review and then the overview: leaving before both would race the redraw.
    await tab.waitForSelector('#review :text("Nothing was removed")');
    await tab.waitForSelector('#overview :text("No request is waiting")');

    await click(page, tab, 'nav a[data-page="history"]');
    await tab.waitForSelector('#history tbody tr');
    await shoot('tab-history.png');

    tab = await open(page, host.replace('theme=default', 'theme=dark'));
    await shoot('tab-tenants-dark.png');

    await page.setViewportSize({ width: 430, height: 860 });
    await page.click('#phone-width');
    await page.waitForTimeout(300);
    await shoot('tab-phone.png');
    return written;
  } finally {
    await chromium.close();
    bot.kill('SIGTERM');
  }
}

async function open(page: Page, url: string): Promise<Frame> {
  await page.goto(url);
  const tab = await (await page.waitForSelector('#tab')).contentFrame();
  if (!tab) throw new Error('The host page has no tab frame');
  await tab.waitForSelector('#main[aria-busy="false"]');
  return tab;
}

/** The link `npm start` prints, as Nestor Wilke (a Manager) in Teams' default theme. */
function tabLink(stdout: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('The bot printed no Tenants tab link in a minute')),
      60_000,
    );
    createInterface({ input: stdout }).on('line', (line) => {
      const link = /Tenants tab:\s+(\S+)/.exec(line)?.[1];
      if (!link) return;
      clearTimeout(timer);
      const url = new URL(link);
      url.searchParams.set('theme', 'default');
      resolve(url.href);
    });
  });
}

async function click(page: Page, tab: Frame, selector: string): Promise<void> {
  await tab.locator(selector).scrollIntoViewIfNeeded();
  const frame = await page.locator('#tab').boundingBox();
  const box = await tab.locator(selector).boundingBox();
  if (!frame || !box) throw new Error(`Nothing to click at ${selector}`);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

async function press(page: Page, tab: Frame, label: string): Promise<void> {
  await click(page, tab, `#review button:has-text("${label}")`);
}
