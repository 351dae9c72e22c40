import type { RecordedActivity, TeamsUser } from '../../sandbox';
import { redisDeployments } from '../support/redisDeployments';
import { cardOf, oauthLink, visibleText, type Conversation } from '../support/teamsChannel';
import { startWorld, type World } from '../support/world';

/** Teams tells the bot it was installed in a conversation (personal chat, group chat or team). */
async function install(world: World, user: TeamsUser, conversation: Conversation) {
  const delivery = await world.teams.post(
    world.teams.activity(user, conversation, { type: 'installationUpdate', action: 'add' }),
  );
  expect(delivery.status).toBe(200);
}

async function uninstall(world: World, user: TeamsUser, conversation: Conversation) {
  await world.teams.post(
    world.teams.activity(user, conversation, { type: 'installationUpdate', action: 'remove' }),
  );
}

const notifications = (world: World, conversation: Conversation) =>
  world.teams
    .replies(conversation)
    .filter(
      (a) =>
        JSON.stringify(cardOf(a) ?? {}).includes('Fabrikam') &&
        !JSON.stringify(cardOf(a)).includes('refresh'),
    );

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(redisDeployments())(
  'notifications, end to end through the bot (real server, sandbox connector, everything on $name)',
  (deployment) => {
    let world: World;
    let nestor: TeamsUser, lidia: TeamsUser, diego: TeamsUser, joni: TeamsUser;
    beforeEach(async () => {
      world = await startWorld({ env: deployment.env });
      [nestor, lidia, diego, joni] = [
        'Nestor Wilke',
        'Lidia Holloway',
        'Diego Siciliani',
        'Joni Sherman',
      ].map((n) => world.teams.user(n)) as [TeamsUser, TeamsUser, TeamsUser, TeamsUser];
    });
    afterEach(async () => {
      await world.close();
    });

    it('notify here / off / status: Managers decide, anyone may ask what is subscribed', async () => {
      const channel = world.teams.channelThread();
      const [refused] = await world.teams.say(joni, channel, 'notify here');
      expect(refused?.text).toContain('Only users with the **Manager** role');
      expect((await world.teams.say(joni, channel, 'notify status'))[0]?.text).toContain(
        "This conversation doesn't hear",
      );

      expect((await world.teams.say(nestor, channel, 'notify here'))[0]?.text).toContain(
        'this conversation will hear',
      );
      const status = (await world.teams.say(nestor, channel, 'notify status'))[0]?.text;
      expect(status).toContain('This conversation hears');
      expect(status).toContain('Subscribed: Partner Center');
      expect((await world.teams.say(nestor, channel, 'notify off'))[0]?.text).toContain("won't hear");
      expect((await world.teams.say(nestor, channel, 'notify status'))[0]?.text).toContain(
        'No channel or group chat is subscribed',
      );

      const personal = world.teams.personalChat(nestor);
      expect((await world.teams.say(nestor, personal, 'notify here'))[0]?.text).toContain(
        'already hear about its tenants here',
      );
    });

    it('an approval is announced once to the requester, every Manager who installed the app, and subscribed channels', async () => {
      const chats = {
        nestor: world.teams.personalChat(nestor),
        lidia: world.teams.personalChat(lidia),
        diego: world.teams.personalChat(diego),
        joni: world.teams.personalChat(joni),
      };
      await install(world, nestor, chats.nestor);
      await install(world, lidia, chats.lidia);
      await install(world, diego, chats.diego);
      await install(world, joni, chats.joni);
      const channel = world.teams.channelThread();
      await world.teams.say(nestor, channel, 'notify here');

      const group = world.teams.groupChat([diego, nestor, lidia]);
      const [prompt] = await world.teams.say(diego, group, 'associate tenant');
      const code = await world.sandbox.tokenService.chooseAccount(oauthLink(prompt)!, 'grady@fabrikam.com');
      const [card] = (await world.teams.say(diego, group, code)) as [RecordedActivity];
      const requestId = (cardOf(card) as { refresh: { action: { data: { requestId: string } } } }).refresh
        .action.data.requestId;
      await world.teams.execute(lidia, group, card.id, 'approve', { requestId });

      const channelRoot = { ...channel, id: channel.channelId };
      for (const chat of [chats.nestor, chats.lidia, chats.diego, channelRoot]) {
        const [message] = await waitFor(`a notification in ${chat.id}`, () => {
          const found = notifications(world, chat);
          return found.length > 0 ? found : undefined;
        });
        const text = visibleText(message);
        expect(text).toContain('Fabrikam, Inc.');
        expect(text).toContain('fabrikam.com');
        expect(text).toContain('Diego Siciliani');
        expect(text).toContain('Lidia Holloway');
      }
      // Settle, then count: each once; Joni (not a Manager) and the group (its card says so) hear nothing new.
      await new Promise((r) => setTimeout(r, 1500));
      for (const chat of [chats.nestor, chats.lidia, chats.diego, channelRoot])
        expect(notifications(world, chat)).toHaveLength(1);
      expect(notifications(world, chats.joni)).toHaveLength(0);
    });

    it('uninstalling forgets the conversation: no notification goes there', async () => {
      const chat = world.teams.personalChat(lidia);
      await install(world, lidia, chat);
      await uninstall(world, lidia, chat);
      const personal = world.teams.personalChat(nestor);
      await install(world, nestor, personal);
      const channel = world.teams.channelThread();
      await world.teams.say(nestor, channel, 'notify here');

      const review = await (async () => {
        const [prompt] = await world.teams.say(nestor, personal, 'associate tenant');
        const code = await world.sandbox.tokenService.chooseAccount(oauthLink(prompt)!, 'adele@fabrikam.com');
        return (await world.teams.say(nestor, personal, code))[0]!;
      })();
      await world.teams.press(nestor, personal, review, 'confirm');
      // The subscribed channel hears; Lidia, who uninstalled, does not; Nestor's own card already says so.
      const channelRoot = { ...channel, id: channel.channelId };
      await waitFor('the channel notification', () =>
        notifications(world, channelRoot).length ? true : undefined,
      );
      await new Promise((r) => setTimeout(r, 1000));
      expect(notifications(world, chat)).toHaveLength(0);
      expect(
        world.teams.replies(personal).filter((a) => visibleText(a).includes('was associated')),
      ).toHaveLength(0);
    });
  },
);
