import { loadDemoDirectory } from '../../demo/directory';
import { startLocalBot, signInInBrowser, type LocalBot } from '../support/localBot';
import { Playground, cardOf, textOf, type PlaygroundMessage } from '../support/playground';

const OAUTH_CARD = 'application/vnd.microsoft.card.oauth';
const CONTOSO = 'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0';

const directory = loadDemoDirectory();
const objectIdOf = (upn: string) =>
  directory.tenants.flatMap((t) => t.users).find((u) => u.userPrincipalName === upn)!.objectId;

function signInLink(message: PlaygroundMessage): string {
  const card = message.attachments.find((a) => a.contentType === OAUTH_CARD)?.content as
    { buttons?: { type: string; value: string }[] } | undefined;
  const link = card?.buttons?.find((b) => b.type === 'signin')?.value;
  if (!link) throw new Error(`Expected a sign-in card, got ${JSON.stringify(message)}`);
  return link;
}

/** What the Playground's UI sends for a button of a card, with what was typed or picked in its inputs. */
function press(verb: string, data: Record<string, string> = {}) {
  return { action: { type: 'Action.Execute', verb, data } };
}

describe('in the M365 Agents Playground: account users, removing a tenant and the history', () => {
  let bot: LocalBot;
  beforeAll(async () => {
    bot = await startLocalBot({ REDIS_URL: '' });
  }, 60_000);
  afterAll(async () => {
    await bot?.stop();
  });

  it('Nestor associates Contoso, adds two of its people after signing in as Megan, Diego cannot, and removing Contoso takes their roles away; the history shows it all', async () => {
    const playground = await Playground.start({ botEndpoint: bot.endpoint });
    try {
      const chat = playground.conversations().personal;
      const reply = async (text: string) => playground.waitForReply(await playground.send(chat, text));

      // Nestor associates Contoso, signing in as Megan Bowen: she becomes its first Manager (R11).
      const code = await signInInBrowser(signInLink(await reply('associate tenant')), 'megan@contoso.com');
      const review = await reply(code);
      await playground.execute(review, 'confirm');
      await playground.waitForUpdate(review, { where: (m) => textOf(m).includes('Associated by') });

      // add users: Contoso chosen, a sign-in to it as Megan (R6 on who signed in), then its directory.
      const choose = await reply('add users');
      expect(textOf(choose)).toContain('Add users to');
      const mark = playground.mark();
      const chosen = await playground.invoke(
        chat,
        choose.messageId,
        press('users.tenant', { tenantId: CONTOSO }),
      );
      expect(JSON.stringify(chosen.value)).toContain('I sent you a sign-in for Contoso Ltd');
      const prompt = await playground.waitFor(
        (m) => m.attachments.some((a) => a.contentType === OAUTH_CARD),
        { after: mark, description: 'the sign-in to Contoso' },
      );
      const search = await reply(await signInInBrowser(signInLink(prompt), 'megan@contoso.com'));
      expect(textOf(search)).toContain('Signed in as Megan Bowen');

      const found = await playground.invoke(
        chat,
        search.messageId,
        press('users.search', { query: 'patti' }),
      );
      expect(JSON.stringify(found.value)).toContain('Patti Fernandez (patti@contoso.com)');
      const patti = await playground.invoke(
        chat,
        search.messageId,
        press('users.add', { users: objectIdOf('patti@contoso.com'), roles: 'Developer' }),
      );
      expect(JSON.stringify(patti.value)).toContain('Added Patti Fernandez as Developer');
      await playground.invoke(chat, search.messageId, press('users.search', { query: 'lee' }));
      const lee = await playground.invoke(
        chat,
        search.messageId,
        press('users.add', { users: objectIdOf('lee@contoso.com'), roles: 'Marketer' }),
      );
      expect(JSON.stringify(lee.value)).toContain('Added Lee Gu as Marketer');
      const done = await playground.invoke(chat, search.messageId, press('users.done'));
      expect(JSON.stringify(done.value)).toContain('I signed you out of Contoso Ltd');

      const users = textOf(await reply('users'));
      expect(users).toContain('Patti Fernandez (patti@contoso.com)');
      expect(users).toContain('Lee Gu (lee@contoso.com)');
      expect(users).toContain('Marketer');

      // Remove Contoso: the review lists what goes; Confirm; its users lose their roles at once (R12).
      const which = await reply('remove tenant');
      const before = playground.mark();
      await playground.invoke(chat, which.messageId, press('tenant.remove', { tenantId: CONTOSO }));
      const removal = await playground.waitFor((m) => textOf(m).includes('When Contoso Ltd is removed'), {
        after: before,
        description: 'the removal review',
      });
      expect(textOf(removal)).toContain('Patti Fernandez loses the role Developer');
      expect(textOf(removal)).toContain('Lee Gu loses the role Marketer');
      await playground.execute(removal, 'confirm');
      const after = textOf(await reply('users'));
      expect(after).not.toContain('Patti Fernandez');
      expect(after).not.toContain('Contoso Ltd');

      const history = await reply('history');
      const lines = textOf(history);
      for (const line of [
        'Nestor Wilke removed Contoso Ltd: its users lost their roles.',
        'Megan Bowen added Lee Gu as Marketer.',
        'Megan Bowen added Patti Fernandez as Developer.',
        'Nestor Wilke associated Contoso Ltd.',
      ]) {
        expect(lines).toContain(line);
      }
      expect(lines.indexOf('removed Contoso')).toBeLessThan(lines.indexOf('associated Contoso'));
      expect(cardOf(history)).toBeDefined();
    } finally {
      await playground.stop();
    }
  }, 90_000);

  it('Diego, a Developer, sees his own roles and the Managers, and can neither add users, remove a tenant nor read the history', async () => {
    const playground = await Playground.start({ botEndpoint: bot.endpoint, as: 'diego@adatum.example' });
    try {
      const chat = playground.conversations().personal;
      const reply = async (text: string) =>
        textOf(await playground.waitForReply(await playground.send(chat, text)));
      const users = await reply('users');
      expect(users).toContain('Diego Siciliani');
      expect(users).toContain('Developer');
      expect(users).not.toContain('Joni Sherman');
      expect(await reply('add users')).toContain('can add or change its users');
      expect(await reply('remove tenant')).toContain('can remove a tenant');
      expect(await reply('history')).toContain('can see its history');
    } finally {
      await playground.stop();
    }
  }, 60_000);
});
