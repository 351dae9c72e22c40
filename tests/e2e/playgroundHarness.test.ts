/**
 * The Playground harness itself (tests/support/playground.ts), against a stand-in bot: a plain node http
 * server that answers the Playground like a botbuilder bot would, through the activity's serviceUrl.
 * The real bot's end-to-end tests use the same driver.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { configAs, committedConfigPath, findTeamsUser, loadTeamsOrg } from '../../scripts/playground';
import { freePort } from '../support/freePort';
import {
  Playground,
  cardActions,
  cardOf,
  textOf,
  type JsonObject,
  type JsonValue,
  type PlaygroundMessage,
} from '../support/playground';

jest.setTimeout(60_000);

const CARD = 'application/vnd.microsoft.card.adaptive';
const TENANT = '5f1a2b3c-0000-4a11-9d00-adadadadadad';
const NESTOR = { id: '29:adatum-nestor', aadObjectId: '7a1c9f10-1111-4c6e-8a10-000000000001' };
const LIDIA = { id: '29:adatum-lidia', aadObjectId: '7a1c9f10-1111-4c6e-8a10-000000000002' };
const DIEGO = { id: '29:adatum-diego', aadObjectId: '7a1c9f10-1111-4c6e-8a10-000000000003' };

// ---------------------------------------------------------------------------------------------------------
// The stand-in bot
// ---------------------------------------------------------------------------------------------------------

interface Activity {
  type: string;
  id: string;
  name?: string;
  text?: string;
  value?: JsonValue;
  replyToId?: string;
  serviceUrl: string;
  channelId: string;
  from: { id: string; name?: string; aadObjectId?: string };
  recipient: { id: string; name?: string };
  conversation: { id: string; conversationType?: string; tenantId?: string; isGroup?: boolean };
  channelData?: {
    tenant?: { id: string };
    team?: { id: string };
    channel?: { id: string };
    source?: { name: string };
  };
  entities?: JsonObject[];
  membersAdded?: { id: string; aadObjectId?: string }[];
}

function approvalCard(title: string): JsonObject {
  return {
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      { type: 'TextBlock', text: title, wrap: true },
      { type: 'Input.Text', id: 'note', placeholder: 'Note' },
    ],
    actions: [
      { type: 'Action.Execute', title: 'Approve', verb: 'approve', data: { requestId: 'req-1' } },
      { type: 'Action.Submit', title: 'Comment', data: { kind: 'comment' } },
    ],
  };
}

class StandInBot {
  readonly received: Activity[] = [];
  private readonly listeners = new Set<() => void>();

  readonly endpoint: string;
  private readonly server: Server = createServer((req, res) => {
    this.handle(req, res).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });

  private constructor(port: number) {
    this.endpoint = `http://127.0.0.1:${port}/api/messages`;
  }

  static async start(): Promise<StandInBot> {
    const port = await freePort();
    const bot = new StandInBot(port);
    await new Promise<void>((resolve) => bot.server.listen(port, '127.0.0.1', resolve));
    return bot;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  /** The first received activity (already or later) satisfying `predicate`. */
  waitFor(predicate: (a: Activity) => boolean, what: string, timeoutMs = 10_000): Promise<Activity> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.received.find(predicate);
        if (found) {
          this.listeners.delete(listener);
          clearTimeout(timer);
          resolve(found);
        }
        return Boolean(found);
      };
      const listener = (): void => void check();
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        const seen = this.received
          .slice(-5)
          .map((a) => `${a.type} ${a.name ?? ''} ${JSON.stringify(a.text ?? '')}`);
        reject(new Error(`The stand-in bot did not receive ${what}; last received: ${seen.join('; ')}`));
      }, timeoutMs);
      this.listeners.add(listener);
      check();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      res.writeHead(200).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Activity;
    this.received.push(activity);
    this.listeners.forEach((l) => l());

    const conversationUrl = `${activity.serviceUrl.replace(/\/$/, '')}/v3/conversations/${encodeURIComponent(activity.conversation.id)}/activities`;
    const reply = (extra: JsonObject): Promise<{ id: string }> =>
      connector('POST', `${conversationUrl}/${encodeURIComponent(activity.id)}`, {
        type: 'message',
        replyToId: activity.id,
        from: activity.recipient,
        recipient: { id: activity.from.id },
        conversation: { id: activity.conversation.id },
        ...extra,
      });

    if (activity.type === 'message' && activity.value === undefined) {
      const text = (activity.text ?? '').replace(/<at>[^<]*<\/at>/g, '').trim();
      if (text === 'boom') {
        res.writeHead(500).end();
        return;
      }
      if (text === 'ping') await reply({ text: 'pong' });
      else if (text === 'card') {
        await reply({
          attachments: [{ contentType: CARD, content: approvalCard('Approve request req-1?') }],
        });
      } else await reply({ text: `You said: ${text}` });
    } else if (activity.type === 'message') {
      await reply({ text: `Submitted ${JSON.stringify(activity.value)} by ${activity.from.name ?? '?'}` });
    } else if (activity.type === 'invoke' && activity.name === 'adaptiveCard/action') {
      const by = activity.from.name ?? activity.from.id;
      // updateActivity on the card, then the invoke response with the card Teams shows in its place.
      await connector('PUT', `${conversationUrl}/${encodeURIComponent(activity.replyToId ?? '')}`, {
        type: 'message',
        id: activity.replyToId ?? '',
        attachments: [{ contentType: CARD, content: approvalCard(`Approved by ${by} (updated)`) }],
      });
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ statusCode: 200, type: CARD, value: approvalCard(`Approved by ${by}`) }));
      return;
    }
    res.writeHead(200).end();
  }
}

async function connector(method: string, url: string, body: JsonObject): Promise<{ id: string }> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

// ---------------------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------------------

describe('the Playground harness, as Nestor Wilke (a Manager)', () => {
  let bot: StandInBot;
  let pg: Playground;

  beforeAll(async () => {
    bot = await StandInBot.start();
    pg = await Playground.start({ botEndpoint: bot.endpoint });
  });

  afterAll(async () => {
    await pg?.stop();
    await bot?.stop();
  });

  it('runs on the committed config, whose people blocks are the fixture’s', () => {
    const committed = readFileSync(committedConfigPath(), 'utf8');
    expect(configAs(committed, findTeamsUser('nestor@adatum.example'), loadTeamsOrg())).toBe(committed);

    expect(pg.tenantId).toBe(TENANT);
    expect(pg.currentUser).toMatchObject({
      ...NESTOR,
      name: 'Nestor Wilke',
      userPrincipalName: 'nestor@adatum.example',
    });
    expect(pg.members().map((u) => u.userPrincipalName)).toEqual([
      'nestor@adatum.example',
      'lidia@adatum.example',
      'diego@adatum.example',
      'isaiah@adatum.example',
      'joni@adatum.example',
      'lynne@adatum.example',
    ]);
    expect(pg.user('Diego Siciliani')).toMatchObject(DIEGO);
    expect(pg.conversations()).toEqual({
      personal: 'a:personal-adatum-nestor',
      group: '19:adatum-partner-managers@thread.v2',
      channel: '19:adatum-partner-center@thread.tacv2',
      general: '19:adatum-general@thread.tacv2',
      team: '19:adatum-general@thread.tacv2',
    });
  });

  it('round-trips a message in the personal chat', async () => {
    const { personal } = pg.conversations();
    const sent = await pg.send(personal, 'ping');
    const reply = await pg.waitForReply(sent);

    expect(reply).toMatchObject({
      conversationId: personal,
      text: 'pong',
      from: { id: pg.bot.id },
      version: 1,
    });
    expect(pg.messages(personal).map((m) => m.text)).toContain('pong');

    const seen = await bot.waitFor((a) => a.type === 'message' && a.conversation.id === personal, 'the ping');
    expect(seen).toMatchObject({
      text: 'ping',
      channelId: 'msteams',
      serviceUrl: `http://localhost:${pg.port}/_connector`,
      from: { ...NESTOR, name: 'Nestor Wilke' },
      recipient: { id: pg.bot.id, name: 'Partner Center' },
      conversation: { id: personal, conversationType: 'personal', tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
    });
    expect(seen.conversation.isGroup).toBeUndefined();
  });

  it('round-trips a message in the group chat, @mentioning the bot', async () => {
    const { group } = pg.conversations();
    const sent = await pg.send(group, 'ping');
    const reply = await pg.waitForReply(sent);
    expect(reply).toMatchObject({ conversationId: group, text: 'pong' });

    const seen = await bot.waitFor(
      (a) => a.type === 'message' && a.conversation.id === group,
      'the group ping',
    );
    expect(seen).toMatchObject({
      text: '<at>Partner Center</at> ping',
      from: NESTOR,
      conversation: { id: group, conversationType: 'groupChat', isGroup: true, tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
    });
    expect(seen.entities).toContainEqual({
      type: 'mention',
      mentioned: { id: pg.bot.id, name: 'Partner Center' },
      text: '<at>Partner Center</at>',
    });
  });

  it('posts in a channel as a new thread, which the bot answers in', async () => {
    const { channel, team } = pg.conversations();
    const sent = await pg.send(channel, 'ping');
    expect(sent.conversationId).toBe(`${channel};messageid=${sent.messageId}`);
    const reply = await pg.waitForReply(sent);
    expect(reply).toMatchObject({ conversationId: sent.conversationId, text: 'pong' });
    expect(pg.messages(channel)).toContainEqual(reply);

    const seen = await bot.waitFor((a) => a.conversation.id === sent.conversationId, 'the channel post');
    expect(seen).toMatchObject({
      conversation: { conversationType: 'channel', isGroup: true, tenantId: TENANT },
      channelData: { tenant: { id: TENANT }, team: { id: team }, channel: { id: channel } },
    });

    const inThread = await pg.send(sent.conversationId, 'ping again');
    await expect(pg.waitForReply(inThread)).resolves.toMatchObject({ text: 'You said: ping again' });
  });

  it('returns the invoke response of an Action.Execute and sees the updateActivity on the WebSocket', async () => {
    const { group } = pg.conversations();
    const card = await pg.waitForReply(await pg.send(group, 'card'));
    expect(cardOf(card)?.type).toBe('AdaptiveCard');
    expect(cardActions(card).map((a) => a.type)).toEqual(['Action.Execute', 'Action.Submit']);

    const response = await pg.execute(card, 'approve', {
      as: 'lidia@adatum.example',
      inputs: { note: 'fine' },
    });

    expect(response.type).toBe(CARD);
    expect(JSON.stringify(response.value)).toContain('Approved by Lidia Holloway');
    expect(response).not.toHaveProperty('statusCode');

    const invoke = await bot.waitFor((a) => a.type === 'invoke', 'the invoke');
    expect(invoke).toMatchObject({
      name: 'adaptiveCard/action',
      replyToId: card.messageId,
      from: { ...LIDIA, name: 'Lidia Holloway' },
      conversation: { id: group, conversationType: 'groupChat', tenantId: TENANT },
      channelData: { tenant: { id: TENANT }, source: { name: 'message' } },
      value: {
        action: {
          type: 'Action.Execute',
          title: 'Approve',
          verb: 'approve',
          data: { requestId: 'req-1', note: 'fine' },
        },
      },
    });

    const updated = await pg.waitFor((m, e) => e.kind === 'updated' && m.messageId === card.messageId, {
      after: card,
      description: 'the updateActivity of the card',
    });
    expect(textOf(updated)).toContain('Approved by Lidia Holloway (updated)');

    const latest = pg.messages(group).find((m) => m.messageId === card.messageId);
    expect(latest?.version).toBe(3); // posted, updated (WebSocket), refreshed (invoke response)
    expect(textOf(latest as PlaygroundMessage)).toMatch(/Approved by Lidia Holloway/);
    expect(
      pg
        .events()
        .filter((e) => e.message.messageId === card.messageId)
        .map((e) => e.kind)
        .sort(),
    ).toEqual(['created', 'refreshed', 'updated']);
  });

  it('clicks an Action.Submit as another member', async () => {
    const { group } = pg.conversations();
    const card = await pg.waitForReply(await pg.send(group, 'card'));
    const mark = pg.mark();
    await pg.submitAction(card, 'Comment', { as: 'diego', inputs: { note: 'hm' } });
    const reply = await pg.waitFor((m) => m.conversationId === group && /^Submitted/.test(m.text ?? ''), {
      after: mark,
      description: 'the reply to the submit',
    });
    expect(reply.text).toBe('Submitted {"kind":"comment","note":"hm"} by Diego Siciliani');
    const seen = await bot.waitFor((a) => a.type === 'message' && a.value !== undefined, 'the submit');
    expect(seen).toMatchObject({ from: DIEGO, replyToId: card.messageId });
  });

  it('sends installationUpdate and conversationUpdate like opening the chat in the web UI', async () => {
    const { personal } = pg.conversations();
    await pg.install(personal);
    const install = await bot.waitFor((a) => a.type === 'installationUpdate', 'an installationUpdate');
    expect(install).toMatchObject({ from: NESTOR, conversation: { id: personal, tenantId: TENANT } });
    const update = await bot.waitFor((a) => a.type === 'conversationUpdate', 'a conversationUpdate');
    expect(update.membersAdded).toEqual([NESTOR, { id: pg.bot.id }]);
  });

  it('explains a timeout: what was awaited, the last messages and the Playground log', async () => {
    const { personal } = pg.conversations();
    const sent = await pg.send(personal, 'boom');
    const error = await pg.waitForReply(sent, { timeoutMs: 1500 }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(
      /^Timed out after 1500 ms waiting for the bot's reply in the personal chat/,
    );
    expect(error?.message).toMatch(/Last bot messages seen/);
    expect(error?.message).toMatch(/"pong"/);
    expect(error?.message).toMatch(/Playground → bot message "boom" in a:personal-adatum-nestor → 500/);
  });

  it('fails clearly on an unknown conversation, a non-member or a missing card action', async () => {
    await expect(pg.send('19:nowhere@thread.v2', 'hi')).rejects.toThrow(
      /404 ConversationNotFound.*Conversations:/s,
    );
    const { personal, group } = pg.conversations();
    const card = await pg.waitForReply(await pg.send(group, 'card'));
    await expect(pg.execute(card, 'reject')).rejects.toThrow(
      /has no Action.Execute "reject"; it has: approve "Approve"/,
    );
    const personalCard = await pg.waitForReply(await pg.send(personal, 'card'));
    await expect(pg.execute(personalCard, 'approve', { as: 'lidia' })).rejects.toThrow(
      /UserNotFound.*not a member/s,
    );
  });
});

describe('the Playground harness, as Diego Siciliani (not a Manager)', () => {
  let bot: StandInBot;
  let pg: Playground;

  beforeAll(async () => {
    bot = await StandInBot.start();
    pg = await Playground.start({ botEndpoint: bot.endpoint, as: 'diego@adatum.example' });
  });

  afterAll(async () => {
    await pg?.stop();
    await bot?.stop();
  });

  it('speaks as Diego in his own personal chat', async () => {
    expect(pg.currentUser).toMatchObject(DIEGO);
    const { personal } = pg.conversations();
    expect(personal).toBe('a:personal-adatum-diego');
    expect(pg.members().map((u) => u.id)).toEqual(expect.arrayContaining([NESTOR.id, LIDIA.id]));

    await expect(pg.waitForReply(await pg.send(personal, 'ping'))).resolves.toMatchObject({ text: 'pong' });
    const seen = await bot.waitFor((a) => a.type === 'message', 'the ping');
    expect(seen).toMatchObject({
      from: { ...DIEGO, name: 'Diego Siciliani' },
      conversation: { tenantId: TENANT },
    });
  });
});
