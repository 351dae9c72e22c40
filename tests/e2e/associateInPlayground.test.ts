import { startLocalBot, signInInBrowser, type LocalBot } from '../support/localBot';
import { Playground, cardActions, textOf, type PlaygroundMessage } from '../support/playground';

const OAUTH_CARD = 'application/vnd.microsoft.card.oauth';

function signInLink(message: PlaygroundMessage): string {
  const card = message.attachments.find((a) => a.contentType === OAUTH_CARD)?.content as
    { buttons?: { type: string; value: string }[] } | undefined;
  const link = card?.buttons?.find((b) => b.type === 'signin')?.value;
  if (!link) throw new Error(`Expected a sign-in card, got ${JSON.stringify(message)}`);
  return link;
}

describe('in the M365 Agents Playground, with the bot started as `npm start` starts it (personal and group chat)', () => {
  let bot: LocalBot;
  beforeAll(async () => {
    // As `npm start` runs for a newcomer: no REDIS_URL, so storage and notifications are in memory.
    bot = await startLocalBot({ REDIS_URL: '' });
  }, 60_000);
  afterAll(async () => {
    await bot?.stop();
  });

  it('a Manager associates Contoso from the personal chat: sign-in link, code, review card, Confirm, tenants', async () => {
    const playground = await Playground.start({ botEndpoint: bot.endpoint });
    try {
      const chat = playground.conversations().personal;
      const asked = await playground.send(chat, 'associate tenant');
      const prompt = await playground.waitForReply(asked);
      const code = await signInInBrowser(signInLink(prompt), 'megan@contoso.com');

      const redeemed = await playground.send(chat, code);
      const review = await playground.waitForReply(redeemed);
      const reviewText = textOf(review);
      for (const fact of [
        'Contoso Ltd',
        'contoso.com',
        'contoso.onmicrosoft.com',
        'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0',
      ]) {
        expect(reviewText).toContain(fact);
      }
      expect(reviewText).toContain('Global administrator');
      expect(cardActions(review).map((a) => a.title)).toEqual(['Confirm', 'Cancel']);

      const response = await playground.execute(review, 'confirm');
      expect(response.type).toBe('application/vnd.microsoft.card.adaptive');
      const updated = await playground.waitForUpdate(review, {
        where: (m) => textOf(m).includes('Associated by'),
      });
      expect(textOf(updated)).toContain('add and manage account users in the **Users** section');
      expect(cardActions(updated)).toEqual([]);

      const listed = await playground.waitForReply(await playground.send(chat, 'tenants'));
      expect(textOf(listed)).toContain('Contoso Ltd');

      const again = await playground.waitForReply(await playground.send(chat, 'associate another tenant'));
      const secondCode = await signInInBrowser(signInLink(again), 'alex@contoso.com');
      const duplicate = await playground.waitForReply(await playground.send(chat, secondCode));
      expect(textOf(duplicate)).toContain('Contoso Ltd (contoso.com) is already associated');
    } finally {
      await playground.stop();
    }
  }, 60_000);

  it('someone without the Manager role is refused, with the role named', async () => {
    const playground = await Playground.start({ botEndpoint: bot.endpoint, as: 'diego@adatum.example' });
    try {
      const chat = playground.conversations().personal;
      const reply = await playground.waitForReply(await playground.send(chat, 'associate tenant'));
      expect(textOf(reply)).toContain('Only users with the **Manager** role');
      expect(reply.attachments.some((a) => a.contentType === OAUTH_CARD)).toBe(false);
    } finally {
      await playground.stop();
    }
  }, 60_000);
  it('a completion in the personal chat is announced in the subscribed channel of the team', async () => {
    const playground = await Playground.start({ botEndpoint: bot.endpoint });
    try {
      const { personal, channel } = playground.conversations();
      const subscribed = await playground.waitForReply(await playground.send(channel, 'notify here'));
      expect(textOf(subscribed)).toContain('this conversation will hear');

      const prompt = await playground.waitForReply(await playground.send(personal, 'associate tenant'));
      const code = await signInInBrowser(signInLink(prompt), 'pradeep@northwindtraders.com');
      const review = await playground.waitForReply(await playground.send(personal, code));
      await playground.execute(review, 'confirm');

      const announced = await playground.waitFor(
        (m, e) =>
          e.kind === 'created' &&
          m.conversationId.startsWith(channel) &&
          textOf(m).includes('Northwind Traders'),
        { timeoutMs: 20_000, description: 'the notification in the Partner Center channel' },
      );
      expect(textOf(announced)).toContain('northwindtraders.com');
      expect(textOf(announced)).toContain('Nestor Wilke');
    } finally {
      await playground.stop();
    }
  }, 60_000);

  it("a request goes from one person to a Manager's approval, and the card is updated for the chat", async () => {
    const playground = await Playground.start({ botEndpoint: bot.endpoint });
    try {
      const group = playground.conversations().group;
      const prompt = await playground.waitForReply(await playground.send(group, 'associate tenant'));
      const code = await signInInBrowser(signInLink(prompt), 'adele@fabrikam.com');
      const card = await playground.waitForReply(await playground.send(group, code));
      expect(textOf(card)).toContain('Waiting for a Manager to approve');
      expect(textOf(card)).toContain('Fabrikam, Inc.');

      // Lidia Holloway, a Manager in the chat, approves from the card.
      const approved = await playground.execute(card, 'refresh', { as: 'Lidia Holloway' });
      expect(JSON.stringify(approved.value)).toContain('Approve');
      const response = await playground.invoke(
        card.conversationId,
        card.messageId,
        {
          action: { type: 'Action.Execute', verb: 'approve', data: { requestId: requestIdOf(card) } },
        },
        { as: 'Lidia Holloway' },
      );
      expect(JSON.stringify(response.value)).toContain('Approved by Lidia Holloway');
      const updated = await playground.waitForUpdate(card, {
        where: (m) => textOf(m).includes('Approved by Lidia Holloway'),
      });
      expect(cardActions(updated)).toEqual([]);
    } finally {
      await playground.stop();
    }
  }, 60_000);
});

function requestIdOf(message: PlaygroundMessage): string {
  const card = message.attachments[0]?.content as
    { refresh?: { action?: { data?: { requestId?: string } } } } | undefined;
  const id = card?.refresh?.action?.data?.requestId;
  if (!id) throw new Error(`No request id on ${JSON.stringify(message)}`);
  return id;
}
