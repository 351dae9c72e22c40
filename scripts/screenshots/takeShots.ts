import { join } from 'node:path';
import type * as AdaptiveCards from 'adaptivecards';
import type { BrowserContext, Page } from 'playwright-core';
import type { CardAttachment } from '../../cards';
import { markdownToHtml } from '../../cards/markdown';
import { chatPageHtml, MESSAGE_SLOT_ID, SHOT_ID, type ChatFrame } from './teamsChat';
import { teamsLightHostConfig } from '../../cards/hostConfig';

/** The conversation a shot's message appears in; the sender and the width come from elsewhere. */
export type Chat = Pick<ChatFrame, 'title' | 'kind' | 'sentAt'>;

/** One picture: what to draw, and the PNG (under docs/) it is written to. A new kind is one more case. */
export type Shot =
  | { kind: 'adaptiveCard'; file: string; chat: Chat; card: CardAttachment }
  | { kind: 'chatHtml'; file: string; chat: Chat; html: string };

export interface ShotSettings {
  outDir: string;
  sender: ChatFrame['sender'];
}

/** Draws each shot in its own page and writes it as a PNG; throws, naming the shot, if anything is clipped. */
export async function takeShots(
  context: BrowserContext,
  shots: Shot[],
  settings: ShotSettings,
): Promise<string[]> {
  const written: string[] = [];
  for (const shot of shots) {
    const page = await context.newPage();
    try {
      await draw(page, shot, settings);
      await page.evaluate(() => (globalThis as unknown as ShotPage).document.fonts.ready.then(() => true));
      const clipped = await page.evaluate(findClipped, SHOT_ID);
      if (clipped.length) throw new Error(`${shot.file}: clipped text in ${clipped.join('; ')}`);
      const path = join(settings.outDir, shot.file);
      await fitViewport(page);
      await page.locator(`#${SHOT_ID}`).screenshot({ path, animations: 'disabled' });
      written.push(path);
    } finally {
      await page.close();
    }
  }
  return written;
}

async function draw(page: Page, shot: Shot, settings: ShotSettings): Promise<void> {
  const frame = (fullWidth: boolean): ChatFrame => ({ ...shot.chat, sender: settings.sender, fullWidth });
  switch (shot.kind) {
    case 'chatHtml':
      await page.setContent(chatPageHtml(frame(false), shot.html));
      return;
    case 'adaptiveCard': {
      const msteams = shot.card.content.msteams as { width?: string } | undefined;
      await page.setContent(chatPageHtml(frame(msteams?.width === 'Full')));
      await drawAdaptiveCard(page, shot.card);
      return;
    }
  }
}

/** The renderer Teams' own is built on, loaded from node_modules, drawing into the message bubble. */
async function drawAdaptiveCard(page: Page, card: CardAttachment): Promise<void> {
  await page.addScriptTag({ path: require.resolve('adaptivecards/dist/adaptivecards.min.js') });
  await page.addScriptTag({ content: `globalThis.markdownToHtml = ${markdownToHtml.toString()};` });
  const problems = await page.evaluate(
    ({ content, hostConfig, slotId }) => {
      const { AdaptiveCards: AC, document, markdownToHtml: toHtml } = globalThis as unknown as ShotPage;
      // Teams renders Markdown in card text; the library leaves that to its host.
      AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
        result.outputHtml = toHtml(text);
        result.didProcess = true;
      };
      const adaptiveCard = new AC.AdaptiveCard();
      adaptiveCard.hostConfig = new AC.HostConfig(hostConfig);
      const context = new AC.SerializationContext(AC.Versions.v1_5);
      adaptiveCard.parse(content, context);
      const found = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message);
      const rendered = adaptiveCard.render();
      if (!rendered) return [...found, 'The renderer drew nothing.'];
      document.getElementById(slotId)?.append(rendered);
      return found;
    },
    { content: card.content, hostConfig: teamsLightHostConfig, slotId: MESSAGE_SLOT_ID },
  );
  if (problems.length) throw new Error(`The card did not render cleanly: ${problems.join('; ')}`);
}

/** Elements whose text is cut off: wider or taller than the box that hides their overflow. */
function findClipped(shotId: string): string[] {
  const { document, getComputedStyle } = globalThis as unknown as ShotPage;
  return Array.from(document.querySelectorAll(`#${shotId} *`))
    .filter((element) => {
      const style = getComputedStyle(element);
      const hidesX = style.overflowX !== 'visible' && element.scrollWidth > element.clientWidth + 1;
      const hidesY = style.overflowY !== 'visible' && element.scrollHeight > element.clientHeight + 1;
      return (hidesX || hidesY) && (element.textContent ?? '').trim() !== '';
    })
    .map((element) => `${element.className}: "${(element.textContent ?? '').trim().slice(0, 60)}"`);
}

/** Element screenshots taller than the viewport come out cut, so the viewport grows to the shot. */
async function fitViewport(page: Page): Promise<void> {
  const box = await page.locator(`#${SHOT_ID}`).boundingBox();
  if (!box) throw new Error('The shot has no box to capture');
  await page.setViewportSize({ width: Math.ceil(box.x + box.width), height: Math.ceil(box.y + box.height) });
}

/** The page's globals that these functions use (the project's TypeScript has no DOM library). */
interface ShotPage {
  AdaptiveCards: typeof AdaptiveCards;
  markdownToHtml: (markdown: string) => string;
  document: {
    getElementById(id: string): { append(node: unknown): void } | null;
    querySelectorAll(selectors: string): ArrayLike<PageElement>;
    fonts: { ready: Promise<unknown> };
  };
  getComputedStyle(element: PageElement): { overflowX: string; overflowY: string };
}

interface PageElement {
  className: string;
  textContent: string | null;
  scrollWidth: number;
  clientWidth: number;
  scrollHeight: number;
  clientHeight: number;
}
