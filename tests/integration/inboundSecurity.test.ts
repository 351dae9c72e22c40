import { CHANNEL_TOKEN_FORGERIES, type ChannelTokenForgery } from '../../sandbox';
import { reviewCardFor } from '../support/flows';
import { startWorld, type World } from '../support/world';

describe('inbound requests: authentication and bad input', () => {
  let world: World;
  // botbuilder prints every rejected token (and the whole key set) with console.error; these are on purpose.
  let quiet: jest.SpyInstance;
  beforeAll(async () => {
    quiet = jest.spyOn(console, 'error').mockImplementation(() => {});
    world = await startWorld();
  });
  afterAll(async () => {
    await world.close();
    quiet.mockRestore();
  });

  const nestor = () => world.teams.user('Nestor Wilke');
  const helpMessage = () =>
    world.teams.activity(nestor(), world.teams.personalChat(nestor()), { type: 'message', text: 'help' });

  it.each<ChannelTokenForgery>([...CHANNEL_TOKEN_FORGERIES])(
    'a %s token gets 401 and runs no bot logic',
    async (forge) => {
      const activity = helpMessage();
      const token = world.sandbox.mintChannelToken({
        appId: world.env.BOT_ID!,
        serviceUrl: world.sandbox.urls.connector,
        forge,
      });
      const delivery = await world.teams.post(activity, `Bearer ${token}`);
      expect(delivery.status).toBe(401);
      expect(
        world.sandbox.connector.activities(String((activity.conversation as { id: string }).id)),
      ).toEqual([]);
    },
  );

  it('a request without a token gets 401', async () => {
    const delivery = await world.teams.post(helpMessage(), '');
    expect(delivery.status).toBe(401);
  });

  it('a token minted for another serviceUrl gets 401', async () => {
    const token = world.sandbox.mintChannelToken({
      appId: world.env.BOT_ID!,
      serviceUrl: 'https://smba.trafficmanager.net/amer/',
    });
    expect((await world.teams.post(helpMessage(), `Bearer ${token}`)).status).toBe(401);
  });

  it('a token that was accepted is still refused with an activity of another serviceUrl', async () => {
    const token = world.sandbox.mintChannelToken({
      appId: world.env.BOT_ID!,
      serviceUrl: world.sandbox.urls.connector,
    });
    expect((await world.teams.post(helpMessage(), `Bearer ${token}`)).status).toBe(200);
    const elsewhere = { ...helpMessage(), serviceUrl: 'https://smba.trafficmanager.net/amer/' };
    expect((await world.teams.post(elsewhere, `Bearer ${token}`)).status).toBe(401);
  });

  it('malformed, non-JSON, non-activity and oversize bodies get 400, 415 and 413; unknown routes 404 and 405', async () => {
    const post = (body: string) =>
      fetch(`${world.app.origin}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    expect((await post('{"type": "message",')).status).toBe(400);
    expect((await post('[1,2,3]')).status).toBe(400);
    expect((await post('{"hello":"world"}')).status).toBe(400);
    expect((await post(JSON.stringify({ ...helpMessage(), text: 'x'.repeat(300 * 1024) }))).status).toBe(413);
    const plain = await fetch(`${world.app.origin}/api/messages`, { method: 'POST', body: 'hello' });
    expect(plain.status).toBe(415);
    expect((await fetch(`${world.app.origin}/api/messages`)).status).toBe(405);
    expect((await fetch(`${world.app.origin}/nope`)).status).toBe(404);
    // Still serving afterwards.
    const [reply] = await world.teams.say(nestor(), world.teams.personalChat(nestor()), 'help');
    expect(reply?.text).toContain('associate tenant');
  });

  it('an activity nested thousands of levels deep, with its replies expected back, is a 400 and no reply is sent', async () => {
    // The replies of expectReplies echo `from` and `recipient`: writing them would overflow the stack.
    const deep = '['.repeat(5_000) + ']'.repeat(5_000);
    const activity: Record<string, unknown> = { ...helpMessage(), deliveryMode: 'expectReplies' };
    const body = JSON.stringify({ ...activity, from: { ...(activity.from as object), name: '@' } }).replace(
      '"name":"@"',
      `"name":${deep}`,
    );
    const token = world.sandbox.mintChannelToken({
      appId: world.env.BOT_ID!,
      serviceUrl: world.sandbox.urls.connector,
    });
    const answer = await fetch(`${world.app.origin}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: expect.stringMatching(/nests deeper than 64 levels/) });
    expect(world.sandbox.connector.activities(String((activity.conversation as { id: string }).id))).toEqual(
      [],
    );
  });

  it('an unknown card verb, a made-up request id and a request of another conversation are refused clearly', async () => {
    const chat = world.teams.personalChat(nestor());
    const review = await reviewCardFor(world, nestor(), chat, 'alex@contoso.com');
    const invoke = async (conversation: typeof chat, verb: string, data: unknown) =>
      JSON.stringify(
        (
          await world.teams.invoke(nestor(), conversation, 'adaptiveCard/action', {
            action: { type: 'Action.Execute', verb, data },
          })
        ).body,
      );

    expect(await invoke(chat, 'delete', { requestId: 'x' })).toContain(
      "That card action isn't something I know",
    );
    expect(await invoke(chat, 'confirm', {})).toContain("That card action isn't something I know");
    expect(await invoke(chat, 'confirm', { requestId: 'made-up' })).toContain("I can't find that request");

    const requestId = (review.attachments?.[0]?.content as { actions: { data: { requestId: string } }[] })
      .actions[0]!.data.requestId;
    const elsewhere = world.teams.personalChat(nestor());
    expect(await invoke(elsewhere, 'confirm', { requestId })).toContain('belongs to another conversation');
    // The request itself is untouched and can still be confirmed where it was made.
    expect(JSON.stringify((await world.teams.press(nestor(), chat, review, 'confirm')).body)).toContain(
      'Associated by Nestor Wilke',
    );
  });

  it('an unknown invoke gets 501 and unknown activity types are ignored', async () => {
    const chat = world.teams.personalChat(nestor());
    expect((await world.teams.invoke(nestor(), chat, 'composeExtension/query', {})).status).toBe(501);
    expect((await world.teams.post(world.teams.activity(nestor(), chat, { type: 'typing' }))).status).toBe(
      200,
    );
  });
});
