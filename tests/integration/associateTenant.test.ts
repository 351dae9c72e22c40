import { cardActions, cardOf, oauthLink, visibleText } from '../support/teamsChannel';
import { reviewCardFor, signInAs } from '../support/flows';
import { startWorld, type World } from '../support/world';

const CONTOSO_ID = 'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0';

describe('associating a tenant from a personal chat (real server, inbound auth, sandbox, Redis)', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  const nestor = () => world.teams.user('Nestor Wilke');

  it('a Manager signs in to Contoso, reviews it and confirms: the card turns into the completed state (R2–R5)', async () => {
    const chat = world.teams.personalChat(nestor());
    const [prompt] = await world.teams.say(nestor(), chat, 'associate tenant');
    expect(prompt?.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.oauth');
    const link = oauthLink(prompt) as string;
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);

    const code = await world.sandbox.tokenService.chooseAccount(link, 'alex@contoso.com');
    expect(code).toMatch(/^\d{6}$/);
    const [review] = await world.teams.say(nestor(), chat, code);
    const text = visibleText(review);
    for (const fact of [
      'Contoso Ltd',
      CONTOSO_ID,
      'contoso.com',
      'contoso.onmicrosoft.com',
      'alex@contoso.com',
    ]) {
      expect(text).toContain(fact);
    }
    expect(text).toContain('"title":"Global administrator","value":"No"');
    expect(text).toContain("That isn't needed to associate it");
    expect(cardActions(review).map((a) => a.title)).toEqual(['Confirm', 'Cancel']);
    // R3: nothing is associated before Confirm; R10: the account's own tenant is, from the start.
    const before = (await world.teams.say(nestor(), chat, 'tenants')).map(visibleText).join();
    expect(before).not.toContain('Contoso');
    expect(before).toContain(world.sandbox.directory.teams.tenantId);

    const pressed = await world.teams.press(nestor(), chat, review!, 'confirm');
    expect(pressed.status).toBe(200);
    const response = pressed.body as { statusCode: number; type: string; value: Record<string, unknown> };
    expect(response.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(response.value)).toContain('add and manage account users in the **Users** section');
    expect(response.value.actions).toEqual([]);
    // The card in the chat itself was updated in place too.
    const inChat = world.teams.current(review!.id, chat);
    expect(JSON.stringify(cardOf(inChat))).toContain('Associated by Nestor Wilke');

    const listed = (await world.teams.say(nestor(), chat, 'tenants')).map(visibleText).join();
    expect(listed).toContain('Contoso Ltd');
    expect(listed).toContain(CONTOSO_ID);
  });

  it('R5: signing in as a global administrator says so and what it allows', async () => {
    const chat = world.teams.personalChat(nestor());
    const review = await reviewCardFor(world, nestor(), chat, 'megan@contoso.com');
    expect(visibleText(review)).toContain('"title":"Global administrator","value":"Yes"');
    expect(visibleText(review)).toContain('create new users and make other changes to its directory');
  });

  it('R5: with User.Read only, Graph withholds role details and the role templates in the token decide', async () => {
    world.sandbox.graph.settings.withholdRoleDetails = true;
    const megan = await reviewCardFor(
      world,
      nestor(),
      world.teams.personalChat(nestor()),
      'megan@contoso.com',
    );
    expect(visibleText(megan)).toContain('"title":"Global administrator","value":"Yes"');
    const alex = await reviewCardFor(world, nestor(), world.teams.personalChat(nestor()), 'alex@contoso.com');
    expect(visibleText(alex)).toContain('"title":"Global administrator","value":"No"');
  });

  it('Confirm twice completes once; Confirm after Cancel changes nothing', async () => {
    const chat = world.teams.personalChat(nestor());
    const review = await reviewCardFor(world, nestor(), chat, 'alex@contoso.com');
    const [first, second] = await Promise.all([
      world.teams.press(nestor(), chat, review, 'confirm'),
      world.teams.press(nestor(), chat, review, 'confirm'),
    ]);
    const bodies = [first, second].map((d) => JSON.stringify(d.body));
    expect(
      bodies.filter((b) => b.includes('This request was already completed by Nestor Wilke')),
    ).toHaveLength(1);
    expect(bodies.every((b) => b.includes('Associated by Nestor Wilke'))).toBe(true);

    const other = await reviewCardFor(
      world,
      nestor(),
      world.teams.personalChat(nestor()),
      'adele@fabrikam.com',
    );
    const otherChat = {
      id: other.conversation.id,
      conversationType: 'personal' as const,
      tenantId: world.teams.tenantId,
    };
    const cancelled = await world.teams.press(nestor(), otherChat, other, 'cancel');
    expect(JSON.stringify(cancelled.body)).toContain('Cancelled by Nestor Wilke');
    const late = await world.teams.press(nestor(), otherChat, other, 'confirm');
    expect(JSON.stringify(late.body)).toContain('This request was cancelled by Nestor Wilke');
    const listed = (await world.teams.say(nestor(), chat, 'tenants')).map(visibleText).join();
    expect(listed).toContain('Contoso Ltd');
    expect(listed).not.toContain('Fabrikam');
  });

  it('R8: associating Contoso again is reported as already associated, with no duplicate', async () => {
    const chat = world.teams.personalChat(nestor());
    const review = await reviewCardFor(world, nestor(), chat, 'alex@contoso.com');
    await world.teams.press(nestor(), chat, review, 'confirm');

    const again = await signInAs(world, nestor(), chat, 'megan@contoso.com', 'associate another tenant');
    expect(again.map(visibleText).join()).toContain('Contoso Ltd (contoso.com) is already associated');
    expect(again.some((a) => cardOf(a))).toBe(false);
    const listed = (await world.teams.say(nestor(), chat, 'tenants')).map(visibleText).join();
    expect(listed.match(/Contoso Ltd/g)).toHaveLength(1);
  });

  it('R7: "associate another tenant" asks for a fresh sign-in and associates a second tenant', async () => {
    const chat = world.teams.personalChat(nestor());
    await world.teams.press(
      nestor(),
      chat,
      await reviewCardFor(world, nestor(), chat, 'alex@contoso.com'),
      'confirm',
    );

    const [prompt] = await world.teams.say(nestor(), chat, 'associate another tenant');
    expect(oauthLink(prompt)).toBeDefined();
    // The previous sign-in is gone: an old code redeems nothing.
    const code = await world.sandbox.tokenService.chooseAccount(oauthLink(prompt)!, 'grady@fabrikam.com');
    const [review] = await world.teams.say(nestor(), chat, code);
    expect(visibleText(review)).toContain('Fabrikam, Inc.');
    await world.teams.press(nestor(), chat, review!, 'confirm');
    const listed = (await world.teams.say(nestor(), chat, 'tenants')).map(visibleText).join();
    expect(listed).toContain('Contoso Ltd');
    expect(listed).toContain('Fabrikam, Inc.');
  });

  it('R1: a Developer is refused with the Manager role named, and gets no sign-in card', async () => {
    const diego = world.teams.user('Diego Siciliani');
    const replies = await world.teams.say(diego, world.teams.personalChat(diego), 'associate tenant');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('Only users with the **Manager** role');
    expect(oauthLink(replies[0])).toBeUndefined();
  });

  it('R1: someone who is not a user of the account is told so', async () => {
    const isaiah = world.teams.user('Isaiah Langer');
    const [reply] = await world.teams.say(isaiah, world.teams.personalChat(isaiah), 'associate tenant');
    expect(reply?.text).toContain("you aren't a user of that account");
  });

  it('R9: a personal Microsoft account is pointed to creating a tenant, and nothing is associated', async () => {
    const chat = world.teams.personalChat(nestor());
    const replies = await signInAs(world, nestor(), chat, 'pat.kim@outlook.com');
    const text = replies.map(visibleText).join();
    expect(text).toContain('personal Microsoft account');
    expect(text).toContain('create a new one from Partner Center');
    expect(replies.some((a) => cardOf(a))).toBe(false);
  });

  it('a wrong code is refused and the sign-in can still be finished', async () => {
    const chat = world.teams.personalChat(nestor());
    const [prompt] = await world.teams.say(nestor(), chat, 'associate tenant');
    const [wrong] = await world.teams.say(nestor(), chat, '000000');
    expect(wrong?.text).toContain("That code didn't work");
    const code = await world.sandbox.tokenService.chooseAccount(oauthLink(prompt)!, 'alex@contoso.com');
    const [review] = await world.teams.say(nestor(), chat, code);
    expect(visibleText(review)).toContain('Contoso Ltd');
  });

  it('cancel, sign out, help and anything else get clear answers', async () => {
    const chat = world.teams.personalChat(nestor());
    expect((await world.teams.say(nestor(), chat, 'cancel'))[0]?.text).toBe('There is nothing to cancel.');
    await world.teams.say(nestor(), chat, 'associate tenant');
    expect((await world.teams.say(nestor(), chat, 'cancel'))[0]?.text).toContain(
      'Cancelled. Nothing was changed.',
    );
    expect((await world.teams.say(nestor(), chat, '123456'))[0]?.text).toContain(
      'no tenant sign-in in progress',
    );

    const review = await reviewCardFor(world, nestor(), chat, 'alex@contoso.com');
    const [cancelled] = await world.teams.say(nestor(), chat, 'cancel');
    expect(cancelled?.text).toBe('Cancelled. Contoso Ltd was not associated.');
    expect(JSON.stringify(cardOf(world.teams.current(review.id, chat)))).toContain(
      'Cancelled by Nestor Wilke',
    );

    expect((await world.teams.say(nestor(), chat, 'sign out'))[0]?.text).toContain("You're signed out");
    expect((await world.teams.say(nestor(), chat, 'help'))[0]?.text).toContain('**associate tenant**');
    const [unknown] = await world.teams.say(nestor(), chat, 'make me a sandwich');
    expect(unknown?.text).toContain('I didn\'t understand "make me a sandwich"');
    expect(unknown?.text).toContain('**associate tenant**');
  });
});
