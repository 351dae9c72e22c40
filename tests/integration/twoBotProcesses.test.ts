import { createRedisStores } from '../../bot/infra/redis/redisStores';
import { connectRedis } from '../../bot/redis/connection';
import { RedisKeys } from '../../bot/redis/keys';
import type { RecordedActivity, TeamsUser } from '../../sandbox';
import { reviewCardFor } from '../support/flows';
import { waitUntil } from '../support/notificationWorld';
import { cardOf, oauthLink, visibleText } from '../support/teamsChannel';
import { startWorld, type World } from '../support/world';

jest.setTimeout(60_000);

/**
 * Two bot processes of one deployment on one Redis, as behind a load balancer that sends each activity to
 * either: nothing a turn needs may live in a process.
 */
describe('two bot processes on one Redis', () => {
  let first: World;
  let second: World;
  let nestor: TeamsUser, lidia: TeamsUser;
  beforeEach(async () => {
    first = await startWorld();
    second = await startWorld({ sharing: first });
    [nestor, lidia] = [first.teams.user('Nestor Wilke'), first.teams.user('Lidia Holloway')];
  });
  afterEach(async () => {
    await second.close();
    await first.close();
  });

  const signInLink = (prompt: RecordedActivity | undefined): string => {
    const link = oauthLink(prompt);
    if (!link) throw new Error(`Expected a sign-in card, got ${JSON.stringify(prompt)}`);
    return link;
  };
  const text = (replies: RecordedActivity[]) => replies.map(visibleText).join(' ').trim();

  test('one conversation alternating between them turn by turn: each turn knows what the one before remembered', async () => {
    const chat = first.teams.personalChat(nestor);
    const { tokenService } = first.sandbox;

    const [prompt] = await first.teams.say(nestor, chat, 'associate tenant');
    const contosoCode = await tokenService.chooseAccount(signInLink(prompt), 'alex@contoso.com');
    const [contoso] = await second.teams.say(nestor, chat, contosoCode);
    expect(visibleText(contoso)).toContain('Contoso Ltd');
    expect(text(await first.teams.say(nestor, chat, 'cancel'))).toContain(
      'Cancelled. Contoso Ltd was not associated.',
    );

    const [again] = await second.teams.say(nestor, chat, 'associate tenant');
    const fabrikamCode = await tokenService.chooseAccount(signInLink(again), 'grady@fabrikam.com');
    const [fabrikam] = (await first.teams.say(nestor, chat, fabrikamCode)) as [RecordedActivity];
    expect(visibleText(fabrikam)).toContain('Fabrikam, Inc.');
    const confirmed = await second.teams.press(nestor, chat, fabrikam, 'confirm');
    expect(JSON.stringify(confirmed.body)).toContain('Associated by Nestor Wilke');
    expect(text(await first.teams.say(nestor, chat, 'cancel'))).toBe('There is nothing to cancel.');

    const listed = text(await second.teams.say(nestor, chat, 'tenants'));
    expect(listed).toContain('Fabrikam, Inc.');
    expect(listed).not.toContain('Contoso');
  });

  test('turns of one person overlapping on the two processes: neither loses what the other remembered', async () => {
    const chat = first.teams.personalChat(nestor);
    const { tokenService } = first.sandbox;
    let review = await reviewCardFor(first, nestor, chat, 'alex@contoso.com');
    const rounds = [
      { upn: 'grady@fabrikam.com', org: 'Fabrikam, Inc.' },
      { upn: 'pradeep@northwindtraders.com', org: 'Northwind Traders' },
    ];
    for (const [round, { upn, org }] of rounds.entries()) {
      // Confirm forgets the open request while "associate another tenant" remembers a new sign-in.
      const [confirmed, started] = await Promise.all([
        first.teams.press(nestor, chat, review, 'confirm'),
        second.teams.say(nestor, chat, 'associate another tenant'),
      ]);
      expect(JSON.stringify(confirmed.body)).toContain('Associated by Nestor Wilke');
      const code = await tokenService.chooseAccount(signInLink(started[0]), upn);
      const replies = await (round % 2 === 0 ? first : second).teams.say(nestor, chat, code);
      const card = replies.find((a) => cardOf(a));
      expect(visibleText(card)).toContain(org);
      review = card as RecordedActivity;
    }
    expect(text(await second.teams.say(nestor, chat, 'cancel'))).toBe(
      'Cancelled. Northwind Traders was not associated.',
    );
    const listed = text(await first.teams.say(nestor, chat, 'tenants'));
    expect(listed).toContain('Contoso Ltd');
    expect(listed).toContain('Fabrikam, Inc.');
    expect(listed).not.toContain('Northwind');
  });

  test('the same Confirm delivered to both at once (Teams retrying on another instance): one association, one history entry, one notification', async () => {
    const lidiaChat = first.teams.personalChat(lidia);
    await first.teams.post(
      first.teams.activity(lidia, lidiaChat, { type: 'installationUpdate', action: 'add' }),
    );
    const chat = first.teams.personalChat(nestor);
    const review = await reviewCardFor(first, nestor, chat, 'alex@contoso.com');

    const bodies = (
      await Promise.all([
        first.teams.press(nestor, chat, review, 'confirm'),
        second.teams.press(nestor, chat, review, 'confirm'),
      ])
    ).map((d) => JSON.stringify(d.body));
    expect(bodies.every((b) => b.includes('Associated by Nestor Wilke'))).toBe(true);
    expect(
      bodies.filter((b) => b.includes('This request was already completed by Nestor Wilke')),
    ).toHaveLength(1);

    const told = () => first.teams.replies(lidiaChat).filter((a) => visibleText(a).includes('Contoso Ltd'));
    await waitUntil(() => told().length > 0, 15_000, "Lidia's notification");
    const history = await historyOf(first, 'association.completed');
    expect(history.map((e) => e.orgDisplayName)).toEqual(['Contoso Ltd']);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(told()).toHaveLength(1);
  });

  test('two Managers confirming the same tenant at once, one on each: one association, and the other is told who has it (R8)', async () => {
    const nestorChat = first.teams.personalChat(nestor);
    const lidiaChat = second.teams.personalChat(lidia);
    const [nestorReview, lidiaReview] = await Promise.all([
      reviewCardFor(first, nestor, nestorChat, 'alex@contoso.com'),
      reviewCardFor(second, lidia, lidiaChat, 'megan@contoso.com'),
    ]);

    const [byNestor, byLidia] = (
      await Promise.all([
        first.teams.press(nestor, nestorChat, nestorReview, 'confirm'),
        second.teams.press(lidia, lidiaChat, lidiaReview, 'confirm'),
      ])
    ).map((d) => JSON.stringify(d.body));
    const outcomes = [byNestor, byLidia].map((b) =>
      b.includes('is already associated with') ? 'told' : b.includes('Associated by') ? 'associated' : b,
    );
    expect(outcomes.sort()).toEqual(['associated', 'told']);

    const history = await historyOf(first, 'association.completed');
    expect(history.map((e) => e.orgDisplayName)).toEqual(['Contoso Ltd']);
    const listed = text(await second.teams.say(lidia, lidiaChat, 'tenants'));
    expect(listed.split('Contoso Ltd')).toHaveLength(2);
  });
});

/** The account's history, as the "history" a Manager reads, for one kind of entry. */
async function historyOf(world: World, action: string) {
  const client = await connectRedis(world.env.REDIS_URL);
  try {
    const { audit } = createRedisStores(client, new RedisKeys(world.keyPrefix));
    return (await audit.recent(world.env.ACCOUNT_ID, 500)).filter((e) => e.action === action);
  } finally {
    await client.quit();
  }
}
