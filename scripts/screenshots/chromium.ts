import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); playwright-core brings no browser of its own. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless, sandboxed by the container rather than by Chromium, and with nothing that phones home. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Runs `use` with a Chromium of its own (a fresh, then deleted, user data dir) that cannot reach the
 * network: every page is built from local files, so a request is a mistake and is refused.
 */
export async function withChromium<T>(use: (context: BrowserContext) => Promise<T>): Promise<T> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'card-screenshots-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      // Twice the pixels, so the PNGs stay sharp on high-density screens.
      deviceScaleFactor: 2,
      // Cards print dates and times in the reader's locale and zone (`{{DATE()}}`, `{{TIME()}}`).
      locale: 'en-US',
      timezoneId: 'UTC',
    });
    try {
      await context.route('**/*', (route) => route.abort('blockedbyclient'));
      return await use(context);
    } finally {
      await context.close();
    }
  } finally {
    await rm(userDataDir, { recursive: true, force: true });
  }
}
