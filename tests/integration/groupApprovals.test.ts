import type { RecordedActivity, TeamsUser } from '../../sandbox';
import { ManualClock } from '../support/coreFixtures';
import { cardOf, oauthLink, visibleText, type Conversation } from '../support/teamsChannel';
import { startWorld, type World } from '../support/world';

interface Card {
  refresh?: { action: { verb: string; data: { requestId: string } }; userIds: string[] };
  actions: { title: string; verb: string; data: Record<string, unknown> }[];
  body: { type: string; id?: string }[];
}

interface InvokeCard {
  statusCode: number;
  type: string;
  value: Card | string;
}

/** The requester signs in, in the group chat, and types the code; returns the card the bot posted there. */
async function requestInGroup(
  world: World,
  requester: TeamsUser,
  group: Conversation,
  upn = 'alex@contoso.com',
) {
  const [prompt] = await world.teams.say(requester, group, 'associate tenant');
  const link = oauthLink(prompt);
  if (!link) throw new Error(`Expected a sign-in card, got ${JSON.stringify(prompt)}`);
  const code = await world.sandbox.tokenService.chooseAccount(link, upn);
  const replies = await world.teams.say(requester, group, code);
  const card = replies.find((a) => cardOf(a));
  if (!card) throw new Error(`Expected the request card, got ${JSON.stringify(replies)}`);
  return card;
}

function requestIdOf(card: RecordedActivity): string {
  return (cardOf(card) as unknown as Card).refresh!.action.data.requestId;
}

/** What this person's Teams shows after clicking, or after Teams refreshed the card for them. */
async function act(
  world: World,
  who: TeamsUser,
  group: Conversation,
  card: RecordedActivity,
  verb: string,
  extra = {},
) {
  const delivery = await world.teams.execute(who, group, card.id, verb, {
    requestId: requestIdOf(card),
    ...extra,
  });
  expect(delivery.status).toBe(200);
  return delivery.body as InvokeCard;
}

const buttons = (body: InvokeCard) =>
  typeof body.value === 'string' ? [] : body.value.actions.map((a) => a.title);
const shown = (body: InvokeCard) => JSON.stringify(body.value);

describe('approvals in a group chat (real server, inbound auth, sandbox connector, Redis)', () => {
  let world: World;
  let clock: ManualClock;
  let group: Conversation;
  let diego: TeamsUser, nestor: TeamsUser, lidia: TeamsUser, isaiah: TeamsUser, joni: TeamsUser;

  beforeEach(async () => {
    clock = new ManualClock(new Date());
    world = await startWorld({ clock });
    [diego, nestor, lidia, isaiah, joni] = [
      'Diego Siciliani',
      'Nestor Wilke',
      'Lidia Holloway',
      'Isaiah Langer',
      'Joni Sherman',
    ].map((name) => world.teams.user(name)) as [TeamsUser, TeamsUser, TeamsUser, TeamsUser, TeamsUser];
    group = world.teams.groupChat([diego, nestor, lidia, isaiah, joni]);
  });
  afterEach(async () => {
    await world.close();
  });

  it('anyone may ask; the sign-in belongs to them; one card is posted, refreshed for the requester and the Managers', async () => {
    const [prompt] = await world.teams.say(diego, group, 'associate tenant');
    expect(prompt?.attachments?.[0]?.content).toMatchObject({
      text: expect.stringContaining('Diego Siciliani, this sign-in is for you only'),
    });
    const code = await world.sandbox.tokenService.chooseAccount(oauthLink(prompt)!, 'megan@contoso.com');

    // Someone else typing Diego's code completes nothing.
    const [stolen] = await world.teams.say(isaiah, group, code);
    expect(stolen?.text).toContain('no tenant sign-in in progress');

    const [card] = await world.teams.say(diego, group, code);
    const content = cardOf(card) as unknown as Card;
    expect(visibleText(card)).toContain('Waiting for a Manager to approve');
    expect(visibleText(card)).toContain('"title":"Requested by","value":"Diego Siciliani"');
    expect(visibleText(card)).toContain('"title":"Global administrator","value":"Yes"');
    expect(content.refresh?.userIds.sort()).toEqual([diego.id, nestor.id, lidia.id].sort());
    // The card everyone sees offers only a way to get one's own view.
    expect(content.actions.map((a) => a.title)).toEqual(['Show my options']);
    expect(world.teams.replies(group).filter((a) => cardOf(a))).toHaveLength(1);
  });

  it('each viewer gets their own view on refresh: Managers approve or reject, the requester withdraws, others watch', async () => {
    const card = await requestInGroup(world, diego, group);
    const forNestor = await act(world, nestor, group, card, 'refresh');
    expect(buttons(forNestor)).toEqual(['Approve', 'Reject']);
    expect((forNestor.value as Card).body.some((b) => b.type === 'Input.Text' && b.id === 'reason')).toBe(
      true,
    );
    expect(buttons(await act(world, diego, group, card, 'refresh'))).toEqual(['Withdraw']);
    expect(buttons(await act(world, isaiah, group, card, 'refresh'))).toEqual([]);
    expect(buttons(await act(world, joni, group, card, 'refresh'))).toEqual([]);
  });

  it("a Manager's Approve completes it for everyone; a second Approve is told who approved first", async () => {
    const card = await requestInGroup(world, diego, group);
    const approved = await act(world, lidia, group, card, 'approve');
    expect(approved.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(shown(approved)).toContain('Approved by Lidia Holloway');
    expect(shown(approved)).toContain('add and manage account users in the **Users** section');
    expect(buttons(approved)).toEqual([]);

    const inChat = cardOf(world.teams.current(card.id, group)) as unknown as Card;
    expect(JSON.stringify(inChat)).toContain('Approved by Lidia Holloway');
    expect(inChat.refresh).toBeUndefined();
    expect(inChat.actions).toEqual([]);

    const late = await act(world, nestor, group, card, 'approve');
    expect(shown(late)).toContain('This request was already approved by Lidia Holloway');
    const listed = (await world.teams.say(nestor, world.teams.personalChat(nestor), 'tenants'))
      .map(visibleText)
      .join();
    expect(listed.match(/Contoso Ltd/g)).toHaveLength(1);
  });

  it("a non-Manager's Approve is refused for them only and changes nothing", async () => {
    const card = await requestInGroup(world, diego, group);
    const refused = await act(world, joni, group, card, 'approve');
    expect(refused.type).toBe('application/vnd.microsoft.activity.message');
    expect(refused.value).toContain('Only users with the **Manager** role');
    expect(JSON.stringify(cardOf(world.teams.current(card.id, group)))).toContain(
      'Waiting for a Manager to approve',
    );
    expect(buttons(await act(world, nestor, group, card, 'refresh'))).toEqual(['Approve', 'Reject']);
  });

  it('Reject with a reason, and Withdraw, end the request with the card saying so', async () => {
    const card = await requestInGroup(world, diego, group);
    const rejected = await act(world, nestor, group, card, 'reject', { reason: 'We do not own this tenant' });
    expect(shown(rejected)).toContain('Rejected by Nestor Wilke');
    expect(shown(rejected)).toContain('Reason: We do not own this tenant');
    expect(JSON.stringify(cardOf(world.teams.current(card.id, group)))).toContain(
      'Reason: We do not own this tenant',
    );

    const second = await requestInGroup(world, diego, group, 'adele@fabrikam.com');
    const withdrawn = await act(world, diego, group, second, 'withdraw');
    expect(shown(withdrawn)).toContain('Withdrawn by Diego Siciliani');
    expect(JSON.stringify(cardOf(world.teams.current(second.id, group)))).toContain(
      'Withdrawn by Diego Siciliani',
    );
  });

  it('"cancel" typed by the requester withdraws their request and updates the card', async () => {
    const card = await requestInGroup(world, diego, group);
    const [reply] = await world.teams.say(diego, group, 'cancel');
    expect(reply?.text).toContain('Contoso Ltd was not associated');
    expect(JSON.stringify(cardOf(world.teams.current(card.id, group)))).toContain(
      'Withdrawn by Diego Siciliani',
    );
  });

  it('a request nobody approves expires after a day, and the card says so', async () => {
    const card = await requestInGroup(world, diego, group);
    clock.advance(24 * 60 * 60 * 1000);
    const expired = await act(world, nestor, group, card, 'refresh');
    expect(shown(expired)).toContain('expired before a Manager approved it');
    expect(buttons(expired)).toEqual([]);
    expect(shown(await act(world, nestor, group, card, 'approve'))).toContain('expired');
  });

  it('a card action naming a request of another conversation, or none, is refused clearly', async () => {
    const card = await requestInGroup(world, diego, group);
    const elsewhere = world.teams.groupChat([diego, nestor, lidia]);
    const foreign = await world.teams.execute(nestor, elsewhere, card.id, 'approve', {
      requestId: requestIdOf(card),
    });
    expect(JSON.stringify(foreign.body)).toContain('belongs to another conversation');
    const missing = await world.teams.execute(nestor, group, card.id, 'approve', {
      requestId: 'no-such-request',
    });
    expect(JSON.stringify(missing.body)).toContain("I can't find that request");
    expect(JSON.stringify(cardOf(world.teams.current(card.id, group)))).toContain(
      'Waiting for a Manager to approve',
    );
  });
});

describe('approvals in a channel', () => {
  it("a request in a channel thread goes to a Manager's approval, and the card says so for everyone", async () => {
    const world = await startWorld();
    try {
      const [diego, lidia] = [world.teams.user('Diego Siciliani'), world.teams.user('Lidia Holloway')];
      const thread = world.teams.channelThread();
      const card = await requestInGroup(world, diego, thread, 'grady@fabrikam.com');
      expect(visibleText(card)).toContain('Waiting for a Manager to approve');
      const refreshFor = (cardOf(card) as unknown as Card).refresh?.userIds ?? [];
      expect(refreshFor).toEqual(expect.arrayContaining([diego.id, lidia.id]));
      expect(shown(await act(world, lidia, thread, card, 'approve'))).toContain('Approved by Lidia Holloway');
      expect(JSON.stringify(cardOf(world.teams.current(card.id, thread)))).toContain(
        'Approved by Lidia Holloway',
      );
    } finally {
      await world.close();
    }
  });
});

describe('approval policy and concurrency', () => {
  it('two-person policy: the requesting Manager cannot approve their own request; another Manager can', async () => {
    const world = await startWorld({ env: { APPROVAL_POLICY: 'two-person' } });
    try {
      const [nestor, lidia] = [world.teams.user('Nestor Wilke'), world.teams.user('Lidia Holloway')];
      const group = world.teams.groupChat([nestor, lidia]);
      const card = await requestInGroup(world, nestor, group);
      expect(visibleText(card)).toContain('Waiting for a Manager other than Nestor Wilke to approve');
      expect(buttons(await act(world, nestor, group, card, 'refresh'))).toEqual(['Withdraw']);
      const own = await act(world, nestor, group, card, 'approve');
      expect(own.value).toContain('a Manager other than the one who asked must approve');
      expect(shown(await act(world, lidia, group, card, 'approve'))).toContain('Approved by Lidia Holloway');
    } finally {
      await world.close();
    }
  });

  it('two Managers approving at once on two bot processes sharing Redis: one association', async () => {
    const first = await startWorld();
    const second = await startWorld({ sharing: first });
    try {
      const [diego, nestor, lidia] = ['Diego Siciliani', 'Nestor Wilke', 'Lidia Holloway'].map((n) =>
        first.teams.user(n),
      ) as [TeamsUser, TeamsUser, TeamsUser];
      const group = first.teams.groupChat([diego, nestor, lidia]);
      const card = await requestInGroup(first, diego, group);
      const data = { requestId: requestIdOf(card) };
      const [a, b] = await Promise.all([
        first.teams.execute(nestor, group, card.id, 'approve', data),
        second.teams.execute(lidia, group, card.id, 'approve', data),
      ]);
      const bodies = [a, b].map((d) => JSON.stringify(d.body));
      expect(bodies.every((body) => body.includes('Approved by'))).toBe(true);
      expect(bodies.filter((body) => body.includes('This request was already approved by'))).toHaveLength(1);
      const listed = (await first.teams.say(nestor, first.teams.personalChat(nestor), 'tenants'))
        .map(visibleText)
        .join();
      expect(listed.match(/Contoso Ltd/g)).toHaveLength(1);
    } finally {
      await second.close();
      await first.close();
    }
  });
});
