import type { RecordedActivity, TeamsUser } from '../../sandbox';
import { associate as associateAs, signInToManage as signInToManageAs } from '../support/flows';
import { cardOf, oauthLink, visibleText, type Conversation } from '../support/teamsChannel';
import { startWorld, type World } from '../support/world';

const CONTOSO = 'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0';
const NORTHWIND = '0e1d2c3b-3333-4a4b-8c00-0e0e0e0e0e0e';
const ADATUM = '5f1a2b3c-0000-4a11-9d00-adadadadadad';

describe('account users: users, add users, roles and removal from the account (R1, R6, R11, R13)', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld();
    chats = new Map();
  });
  afterEach(async () => {
    await world.close();
  });

  const person = (name: string) => world.teams.user(name);
  // One personal chat per person, as in Teams.
  let chats: Map<string, Conversation>;
  const chatOf = (user: TeamsUser) => {
    if (!chats.has(user.id)) chats.set(user.id, world.teams.personalChat(user));
    return chats.get(user.id)!;
  };
  const objectIdOf = (upn: string) =>
    world.sandbox.directory.tenants.flatMap((t) => t.users).find((u) => u.userPrincipalName === upn)!
      .objectId;

  const associate = (user: TeamsUser, upn: string) => associateAs(world, user, chatOf(user), upn);
  const signInToManage = (user: TeamsUser, tenantId: string, upn: string) =>
    signInToManageAs(world, user, chatOf(user), tenantId, upn);

  async function usersCard(user: TeamsUser): Promise<RecordedActivity> {
    const [card] = await world.teams.say(user, chatOf(user), 'users');
    expect(cardOf(card)).toBeDefined();
    return card!;
  }

  it('R11 then R6: the Manager who associated Contoso signs in to it, finds two people, and adds them with one set of roles', async () => {
    const nestor = person('Nestor Wilke');
    const chat = chatOf(nestor);
    await associate(nestor, 'megan@contoso.com');
    // R11: Megan, who signed in to associate it, is Contoso's first account user, a Manager.
    expect(rowsOf(await usersCard(nestor))).toContainEqual(['Megan Bowen (megan@contoso.com)', 'Manager']);

    const search = await signInToManage(nestor, CONTOSO, 'megan@contoso.com');
    expect(visibleText(search)).toContain('Signed in as Megan Bowen');
    const found = await world.teams.submit(nestor, chat, search, 'users.search', {
      inputs: { query: 'contoso' },
    });
    const results = visibleText(found.card);
    for (const name of ['Patti Fernandez', 'Lee Gu', 'Alex Wilber']) expect(results).toContain(name);
    expect(results).toContain('Megan Bowen (megan@contoso.com): already a user, Manager');

    const [patti, lee, megan] = ['patti@contoso.com', 'lee@contoso.com', 'megan@contoso.com'].map(objectIdOf);
    const added = await world.teams.submit(nestor, chat, found.card!, 'users.add', {
      inputs: { users: `${patti},${lee},${megan}`, roles: 'Developer,Marketer' },
    });
    const notice = visibleText(added.card);
    expect(notice).toContain(
      'Added Patti Fernandez and Lee Gu as Developer, Marketer: the roles apply at once.',
    );
    expect(notice).toContain('Already users of the account, left as they were: Megan Bowen (Manager)');

    const listed = visibleText(await usersCard(nestor));
    expect(listed).toContain('Patti Fernandez (patti@contoso.com)');
    expect(listed).toContain('Lee Gu (lee@contoso.com)');
    // Adding them twice adds nobody.
    const again = await world.teams.submit(nestor, chat, added.card!, 'users.add', {
      inputs: { users: patti!, roles: 'Developer' },
    });
    expect(visibleText(again.card)).toContain('Nobody new was added.');
    expect(visibleText(again.card)).toContain('Patti Fernandez (Developer, Marketer)');
  });

  it('a card naming someone of another directory adds nobody: the people are read again with the signed-in token', async () => {
    const nestor = person('Nestor Wilke');
    await associate(nestor, 'megan@contoso.com');
    const search = await signInToManage(nestor, CONTOSO, 'megan@contoso.com');
    const found = await world.teams.submit(nestor, chatOf(nestor), search, 'users.search', {
      inputs: { query: 'patti' },
    });
    const adele = objectIdOf('adele@fabrikam.com');
    const added = await world.teams.submit(nestor, chatOf(nestor), found.card!, 'users.add', {
      inputs: { users: adele, roles: 'Developer' },
    });
    expect(visibleText(added.card)).toContain('Nobody new was added.');
    expect(visibleText(await usersCard(nestor))).not.toContain('Adele');
  });

  it('R6: signing in to Contoso as someone who is not one of its Managers is refused, and the sign-in is not kept', async () => {
    const nestor = person('Nestor Wilke');
    const chat = chatOf(nestor);
    await associate(nestor, 'megan@contoso.com');
    const [choose] = await world.teams.say(nestor, chat, 'add users');
    const before = world.teams.replies(chat).length;
    await world.teams.submit(nestor, chat, choose!, 'users.tenant', { inputs: { tenantId: CONTOSO } });
    const prompt = world.teams
      .replies(chat)
      .slice(before)
      .find((a) => oauthLink(a));
    const code = await world.sandbox.tokenService.chooseAccount(oauthLink(prompt)!, 'alex@contoso.com');
    const [refused] = await world.teams.say(nestor, chat, code);
    expect(refused?.text).toMatch(
      /Managing the users of Contoso Ltd takes a Manager of .+ who is a user of Contoso Ltd/,
    );
    expect(world.sandbox.tokenService.signedInConnections(nestor.id)).toEqual([]);
  });

  it('roles change and users go from the users card, at once for every check (R1), and whoever is concerned hears of it', async () => {
    const nestor = person('Nestor Wilke');
    const diego = person('Diego Siciliani');
    // Diego has the bot installed, so it can tell him.
    await world.teams.post(
      world.teams.activity(diego, chatOf(diego), { type: 'installationUpdate', action: 'add' }),
    );
    const [refused] = await world.teams.say(diego, chatOf(diego), 'associate tenant');
    expect(refused?.text).toContain('Only users with the **Manager** role');

    // Diego is a user of Nestor's own tenant: no sign-in needed for that (R6 through the Teams identity).
    const card = await usersCard(nestor);
    const diegoId = diego.objectId;
    const saved = await world.teams.submit(nestor, chatOf(nestor), card, 'users.setRoles', {
      inputs: { user: `${ADATUM}/${diegoId}`, roles: 'Developer,Manager' },
    });
    expect(visibleText(saved.card)).toContain('Diego Siciliani now has the roles Manager, Developer.');
    const replies = await world.teams.say(diego, chatOf(diego), 'associate tenant');
    expect(replies.some((a) => oauthLink(a))).toBe(true);
    const told = await world.sandbox.connector.waitFor(
      (a) => a.conversation.id === chatOf(diego).id && visibleText(a).includes('Manager, Developer'),
      10_000,
    );
    expect(visibleText(told)).toContain('Nestor Wilke');

    const removed = await world.teams.submit(nestor, chatOf(nestor), saved.card!, 'users.remove', {
      inputs: { user: `${ADATUM}/${diegoId}` },
    });
    expect(visibleText(removed.card)).toContain('Diego Siciliani is no longer a user of the account.');
    const [gone] = await world.teams.say(diego, chatOf(diego), 'users');
    expect(gone?.text).toContain("you aren't a user of that account");
  });

  it('R6 on the card: a Contoso user cannot be changed without a sign-in to Contoso, whatever the card says', async () => {
    const nestor = person('Nestor Wilke');
    await associate(nestor, 'megan@contoso.com');
    const card = await usersCard(nestor);
    // The card offers no change for Contoso's users yet; a crafted click is refused all the same.
    const megan = objectIdOf('megan@contoso.com');
    const crafted = await world.teams.invoke(
      nestor,
      chatOf(nestor),
      'adaptiveCard/action',
      {
        action: {
          type: 'Action.Execute',
          verb: 'users.remove',
          data: { user: `${CONTOSO}/${megan}` },
        },
        trigger: 'manual',
      },
      card.id,
    );
    expect(JSON.stringify(crafted.body)).toContain('Managing the users of Contoso Ltd takes a Manager');
    expect(visibleText(await usersCard(nestor))).toContain('Megan Bowen');
  });

  it('R13: the last Manager cannot be removed or lose the role; two Managers removing each other at once leave one', async () => {
    const second = await startWorld({ sharing: world });
    try {
      const nestor = person('Nestor Wilke');
      const lidia = person('Lidia Holloway');
      const [nestorCard, lidiaCard] = [await usersCard(nestor), await usersCard(lidia)];
      // The account's only two Managers: Nestor on one process removes Lidia while Lidia, on the other,
      // removes Nestor. Whichever lands first wins; the other is refused (the last Manager, or no longer one).
      const [a, b] = await Promise.all([
        world.teams.submit(nestor, chatOf(nestor), nestorCard, 'users.remove', {
          inputs: { user: `${ADATUM}/${lidia.objectId}` },
        }),
        second.teams.submit(lidia, chatOf(lidia), lidiaCard, 'users.remove', {
          inputs: { user: `${ADATUM}/${nestor.objectId}` },
        }),
      ]);
      const outcomes = [a, b].map((o) => visibleText(o.card) + (o.message ?? ''));
      expect(outcomes.filter((o) => o.includes('is no longer a user of the account'))).toHaveLength(1);
      const survivor = outcomes[0]!.includes('is no longer a user') ? nestor : lidia;
      const managers = rowsOf(await usersCard(survivor)).filter(([, roles]) => roles.includes('Manager'));
      expect(managers.map(([name]) => name)).toEqual([survivor.displayName]);

      const last = await usersCard(survivor);
      const demoted = await world.teams.submit(survivor, chatOf(survivor), last, 'users.setRoles', {
        inputs: { user: `${ADATUM}/${survivor.objectId}`, roles: 'Developer' },
      });
      expect(visibleText(demoted.card)).toContain('is the last Manager of');
    } finally {
      await second.close();
    }
  });

  it("who isn't a Manager sees their own roles and the Managers, and cannot add users or see the history", async () => {
    const diego = person('Diego Siciliani');
    await usersCard(person('Nestor Wilke'));
    const listed = visibleText(await usersCard(diego));
    expect(listed).toContain('Diego Siciliani');
    expect(listed).toContain('Nestor Wilke');
    expect(listed).not.toContain('Joni Sherman');
    expect(listed).not.toContain('users.setRoles');
    expect(listed).not.toContain('Change a user');
    const [addRefused] = await world.teams.say(diego, chatOf(diego), 'add users');
    expect(addRefused?.text).toContain('can add or change its users');
    const [historyRefused] = await world.teams.say(diego, chatOf(diego), 'history');
    expect(historyRefused?.text).toContain('can see its history');
  });

  it('in a group chat, users, add users and history point to the personal chat', async () => {
    const nestor = person('Nestor Wilke');
    const group = world.teams.groupChat([nestor, person('Diego Siciliani')]);
    for (const command of ['users', 'add users', 'history']) {
      const [reply] = await world.teams.say(nestor, group, command);
      expect(reply?.text).toContain('only in our personal chat');
    }
  });

  it("Graph paging: a search of Northwind's 150 people comes a page at a time, each person once", async () => {
    const nestor = person('Nestor Wilke');
    const chat: Conversation = chatOf(nestor);
    await associate(nestor, 'pradeep@northwindtraders.com');
    const search = await signInToManage(nestor, NORTHWIND, 'pradeep@northwindtraders.com');
    let page = await world.teams.submit(nestor, chat, search, 'users.search', {
      inputs: { query: 'northwindtraders' },
    });
    const seen: string[] = [];
    for (;;) {
      const content = cardOf(page.card);
      const choices = JSON.stringify(content).match(/"value":"[0-9a-f-]{36}"/g) ?? [];
      seen.push(...choices);
      if (!JSON.stringify(content).includes('"users.more"')) break;
      page = await world.teams.submit(nestor, chat, page.card!, 'users.more');
    }
    expect(seen).toHaveLength(150);
    expect(new Set(seen).size).toBe(150);

    // Twenty-five of them added at once; the users card then lists everyone a page at a time.
    const first = await world.teams.submit(nestor, chat, search, 'users.search', {
      inputs: { query: 'northwindtraders' },
    });
    const ids = (JSON.stringify(cardOf(first.card)).match(/"value":"[0-9a-f-]{36}"/g) ?? []).map((v) =>
      v.slice(9, -1),
    );
    const added = await world.teams.submit(nestor, chat, first.card!, 'users.add', {
      inputs: { users: ids.join(','), roles: 'Developer' },
    });
    expect(visibleText(added.card)).toContain('as Developer: the roles apply at once');
    let users = await usersCard(nestor);
    const rows = rowsOf(users);
    while (JSON.stringify(cardOf(users)).includes('"users.page"')) {
      users = (await world.teams.submit(nestor, chat, users, 'users.page')).card!;
      rows.push(...rowsOf(users));
    }
    const names = rows.map(([name]) => name);
    // Adatum's five, and Northwind's: Pradeep (its first Manager) and the twenty-five.
    const northwind = new Set([objectIdOf('pradeep@northwindtraders.com'), ...ids]);
    expect(names).toHaveLength(5 + northwind.size);
    expect(new Set(names).size).toBe(names.length);
  });
});

/** The users card's rows: each user's name and, under it, their roles. */
function rowsOf(card: RecordedActivity | undefined): [string, string][] {
  const rows: [string, string][] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const item = node as { type?: string; items?: { type?: string; text?: string }[] };
    if (
      item.type === 'Column' &&
      item.items?.length === 2 &&
      item.items.every((i) => i.type === 'TextBlock')
    ) {
      rows.push([item.items[0]!.text ?? '', item.items[1]!.text ?? '']);
    }
    Object.values(item).forEach(visit);
  };
  visit(cardOf(card));
  return rows;
}
