import { ATTEMPT_LIMITS } from '../../bot/core/attempts';
import { associate, signInToManage } from '../support/flows';
import { oauthLink, visibleText } from '../support/teamsChannel';

const CONTOSO = 'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0';
import { startWorld, type World } from '../support/world';

describe('limits on what one person can make the bot do on their behalf', () => {
  let world: World;
  let second: World;
  beforeAll(async () => {
    world = await startWorld();
    second = await startWorld({ sharing: world });
  });
  afterAll(async () => {
    await second.close();
    await world.close();
  });

  it('sign-ins started are counted across bot processes; past the limit, a polite pause and no sign-in card', async () => {
    const nestor = world.teams.user('Nestor Wilke');
    const chat = world.teams.personalChat(nestor);
    const { limit } = ATTEMPT_LIMITS.signIn;
    for (let i = 0; i < limit; i++) {
      const [prompt] = await (i % 2 ? second : world).teams.say(nestor, chat, 'associate tenant');
      expect(oauthLink(prompt)).toBeDefined();
    }
    const [paused] = await world.teams.say(nestor, chat, 'associate tenant');
    expect(oauthLink(paused)).toBeUndefined();
    expect(paused?.text).toMatch(
      /That's a lot of sign-ins started in a minute.*try again in \d+ seconds\. Nothing was changed\./,
    );
    // Someone else is not held back.
    const lidia = world.teams.user('Lidia Holloway');
    const [theirs] = await second.teams.say(lidia, world.teams.personalChat(lidia), 'associate tenant');
    expect(oauthLink(theirs)).toBeDefined();
  });

  it('ATTEMPTS_PER_MINUTE sets the limit for a deployment', async () => {
    const strict = await startWorld({ env: { ATTEMPTS_PER_MINUTE: '2' } });
    try {
      const nestor = strict.teams.user('Nestor Wilke');
      const chat = strict.teams.personalChat(nestor);
      for (let i = 0; i < 2; i++)
        expect(oauthLink((await strict.teams.say(nestor, chat, 'associate tenant'))[0])).toBeDefined();
      const [paused] = await strict.teams.say(nestor, chat, 'associate tenant');
      expect(oauthLink(paused)).toBeUndefined();
      expect(paused?.text).toMatch(/That's a lot of sign-ins started in a minute/);
    } finally {
      await strict.close();
    }
  });

  it('directory searches are limited the same way, and the search card says so', async () => {
    // Lidia (Nestor has used up his sign-ins above).
    const lidia = world.teams.user('Lidia Holloway');
    const chat = world.teams.personalChat(lidia);
    await associate(world, lidia, chat, 'megan@contoso.com');
    let card = await signInToManage(world, lidia, chat, CONTOSO, 'megan@contoso.com');
    for (let i = 0; i < ATTEMPT_LIMITS.directorySearch.limit; i++) {
      card = (await world.teams.submit(lidia, chat, card, 'users.search', { inputs: { query: 'a' } })).card!;
      expect(visibleText(card)).not.toContain("That's a lot");
    }
    const paused = await world.teams.submit(lidia, chat, card, 'users.search', { inputs: { query: 'a' } });
    expect(visibleText(paused.card)).toContain("That's a lot of directory searches in a minute");
  });
});
