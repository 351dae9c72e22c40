/**
 * `npm run screenshots [-- <part of a file name>...]`: draws the bot's cards as Teams shows them, in headless
 * Chromium, into docs/*.png. Each entry of SHOTS is one picture; add one to document another card or view.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { replies } from '../cards/replies';
import { cardState } from '../tests/support/cardStates';
import { demoWorld } from '../tests/support/cardWorlds';
import { withChromium } from './screenshots/chromium';
import { oauthCardHtml } from './screenshots/oauthCard';
import { takeTabShots } from './screenshots/tabShots';
import { takeShots, type Chat, type Shot } from './screenshots/takeShots';

const ROOT = join(__dirname, '..');

/** The bot as Teams presents it: the app's short name and colour icon, from the app package. */
const manifest = JSON.parse(readFileSync(join(ROOT, 'appPackage', 'manifest.json'), 'utf8')) as {
  name: { short: string };
  icons: { color: string };
};
const sender = {
  name: manifest.name.short,
  iconDataUrl: `data:image/png;base64,${readFileSync(join(ROOT, 'appPackage', manifest.icons.color)).toString('base64')}`,
};

// The demo directory's people and tenants, with Northwind Traders (twelve domains) under review.
const world = demoWorld();
const card = (name: string) => cardState(world, name).card;
const personal = (sentAt: string): Chat => ({ title: sender.name, kind: 'personal', sentAt });
const group = (sentAt: string): Chat => ({ title: 'Adatum partner managers', kind: 'group', sentAt });

const SHOTS: Shot[] = [
  {
    kind: 'chatHtml',
    file: 'card-sign-in.png',
    chat: personal('10:00 AM'),
    html: oauthCardHtml({ text: replies.signInPrompt(world.account), buttonTitle: replies.signInTitle }),
  },
  {
    kind: 'adaptiveCard',
    file: 'card-personal-review.png',
    chat: personal('10:01 AM'),
    card: card('personal-review'),
  },
  {
    kind: 'adaptiveCard',
    file: 'card-personal-completed.png',
    chat: personal('10:05 AM'),
    card: card('personal-completed'),
  },
  {
    kind: 'adaptiveCard',
    file: 'card-group-approval.png',
    chat: group('10:01 AM'),
    card: card('group-approval-everyone'),
  },
  {
    kind: 'adaptiveCard',
    file: 'card-group-approval-manager.png',
    chat: group('10:01 AM'),
    card: card('group-approval-manager'),
  },
  {
    kind: 'adaptiveCard',
    file: 'card-group-approved.png',
    chat: group('10:05 AM'),
    card: card('group-approved'),
  },
  {
    kind: 'adaptiveCard',
    file: 'card-notification.png',
    chat: personal('10:05 AM'),
    card: card('notification-completed-linked'),
  },
  {
    kind: 'adaptiveCard',
    file: 'card-tenant-list.png',
    chat: personal('10:06 AM'),
    card: card('tenant-list'),
  },
  {
    kind: 'adaptiveCard',
    file: 'card-users.png',
    chat: personal('10:10 AM'),
    card: card('users-manager'),
  },
  {
    kind: 'adaptiveCard',
    file: 'card-user-search.png',
    chat: personal('10:12 AM'),
    card: card('user-search-results'),
  },
  {
    kind: 'adaptiveCard',
    file: 'card-removal-review.png',
    chat: personal('10:20 AM'),
    card: card('removal-review'),
  },
  {
    kind: 'adaptiveCard',
    file: 'card-history.png',
    chat: personal('10:25 AM'),
    card: card('history'),
  },
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const shots = wanted.length ? SHOTS.filter((s) => wanted.some((w) => s.file.includes(w))) : SHOTS;
  const withTab = wanted.length === 0 || wanted.some((w) => 'tab-'.includes(w) || w.startsWith('tab'));
  if (!shots.length && !withTab) throw new Error(`No shot matches ${wanted.join(', ')}`);
  const outDir = join(ROOT, 'docs');
  const written = shots.length
    ? await withChromium((context) => takeShots(context, shots, { outDir, sender }))
    : [];
  if (withTab) written.push(...(await takeTabShots(outDir)));
  for (const path of written) console.log(`wrote ${relative(ROOT, path)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
