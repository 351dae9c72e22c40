import { answerOf, signInWithPicker } from '../support/entraAccountPicker';
import { ManualClock } from '../support/coreFixtures';
import { TabClient, type CallOptions } from '../support/tabClient';
import { startWorld, type World } from '../support/world';

interface UsersPage {
  account: string;
  viewer: { displayName: string; roles: string[]; isManager: boolean };
  roles: string[];
  tenants: {
    tenantId: string;
    organization: string;
    own: boolean;
    manageable: boolean;
    users: { objectId: string; displayName: string; upn?: string; roles: string[] }[];
  }[];
  managing?: {
    tenantId: string;
    signedInAs: string;
    search?: {
      query: string;
      more: boolean;
      results: { objectId: string; displayName: string; roles?: string[] }[];
    };
  };
}

/**
 * The Tenants tab's Users page over HTTP: the real server with the sandbox's Entra ID (SSO tokens and the
 * sign-in pop-up) and Graph, on Redis. Managers change the users of the tenants they may manage (R6), add people
 * from a tenant's directory after signing in to it, and the account keeps a Manager (R13).
 */
describe('the Tenants tab’s Users page (real server, sandbox Entra ID and Graph, Redis)', () => {
  let world: World;
  let tab: TabClient;
  let contoso: string;
  const megan = () => tab.directoryUser('megan@contoso.com');
  const alex = () => tab.directoryUser('alex@contoso.com');
  const patti = () => tab.directoryUser('patti@contoso.com');
  const lee = () => tab.directoryUser('lee@contoso.com');

  beforeAll(async () => {
    world = await startWorld({ tab: true });
    tab = new TabClient(world);
    contoso = tab.tenantId('Contoso');
    // R11: Megan, who signs in to associate Contoso, becomes its first account user, a Manager.
    await tab.associate('Nestor Wilke', 'megan@contoso.com');
  });
  afterAll(() => world?.close());

  const usersPage = (options: CallOptions) => tab.call<UsersPage>('GET', '/tab/api/users', options);
  const tenantOf = (page: UsersPage, tenantId: string) => page.tenants.find((t) => t.tenantId === tenantId);

  test('a Manager sees every account user by tenant, with roles; his own tenant’s users are his to change (R6)', async () => {
    const { status, body } = await usersPage({ as: 'Nestor Wilke' });
    expect(status).toBe(200);
    expect(body.viewer).toEqual({ displayName: 'Nestor Wilke', roles: ['Manager'], isManager: true });
    const adatum = tenantOf(body, world.sandbox.directory.teams.tenantId);
    expect(adatum).toMatchObject({ own: true, manageable: true });
    expect(adatum?.users.map((u) => `${u.displayName}: ${u.roles.join(', ')}`)).toEqual(
      expect.arrayContaining([
        'Lidia Holloway: Manager',
        'Diego Siciliani: Developer',
        'Joni Sherman: Marketer',
      ]),
    );
    // Contoso is another tenant: Nestor is no user of it, so its users are not his to change until he signs in.
    expect(tenantOf(body, contoso)).toMatchObject({
      own: false,
      manageable: false,
      users: [expect.objectContaining({ displayName: 'Megan Bowen', roles: ['Manager'] })],
    });
  });

  test('someone who is not a Manager sees their own roles and who the Managers are, nobody else', async () => {
    const { status, body } = await usersPage({ as: 'Diego Siciliani' });
    expect(status).toBe(200);
    expect(body.viewer).toMatchObject({ roles: ['Developer'], isManager: false });
    const names = body.tenants.flatMap((t) => t.users.map((u) => u.displayName));
    expect(names).toEqual(
      expect.arrayContaining(['Diego Siciliani', 'Nestor Wilke', 'Lidia Holloway', 'Megan Bowen']),
    );
    expect(names).not.toContain('Joni Sherman');
    expect(body.tenants.every((t) => !t.manageable)).toBe(true);
    expect(body.managing).toBeUndefined();
  });

  test('someone who is not a user of the account is told which role to ask for', async () => {
    const { status, body } = await usersPage({ as: 'Isaiah Langer' });
    expect(status).toBe(403);
    expect(JSON.stringify(body)).not.toContain('Lidia');
    expect((body as unknown as { error: string }).error).toContain("you aren't a user of that account");
  });

  test('R6: Nestor cannot change a Contoso user with his Teams identity; the refusal says what it takes', async () => {
    const { status, body } = await tab.call<{ error: string }>(
      'PUT',
      `/tab/api/users/${contoso}/${megan().objectId}/roles`,
      { as: 'Nestor Wilke', body: { roles: ['Developer'] } },
    );
    expect(status).toBe(403);
    expect(body.error).toContain('Managing the users of Contoso Ltd takes a Manager of');
    const after = await usersPage({ as: 'Nestor Wilke' });
    expect(tenantOf(after.body, contoso)?.users[0].roles).toEqual(['Manager']);
  });

  test('R2/R6: Megan, a Contoso user, manages Contoso’s users with her own Teams identity', async () => {
    const { body } = await usersPage({ as: tab.teamsPersonOf('megan@contoso.com') });
    expect(tenantOf(body, contoso)).toMatchObject({ own: true, manageable: true });
  });

  describe('signing in to Contoso in the pop-up, then adding people from its directory', () => {
    test('the pop-up is the association’s: Entra ID with PKCE and select_account, asking to read basic profiles', async () => {
      const started = await tab.call<{ url: string }>('POST', '/tab/api/users/sign-ins', {
        as: 'Nestor Wilke',
        body: { tenantId: contoso, query: 'alex' },
      });
      expect(started.status).toBe(200);
      const url = new URL(started.body.url);
      expect(url.pathname).toBe('/organizations/oauth2/v2.0/authorize');
      expect(Object.fromEntries(url.searchParams)).toMatchObject({
        prompt: 'select_account',
        response_mode: 'form_post',
        code_challenge_method: 'S256',
      });
      expect(url.searchParams.get('scope')?.split(' ')).toEqual(
        expect.arrayContaining(['User.Read', 'User.ReadBasic.All']),
      );
    });

    test('signing in as someone who is not a Manager of the account is refused, and nothing is kept', async () => {
      const result = await tab.signInToManage('Nestor Wilke', contoso, 'alex@contoso.com', 'lee');
      expect(result).toEqual({ ok: false, message: expect.stringContaining('takes a Manager of') });
      expect((await usersPage({ as: 'Nestor Wilke' })).body.managing).toBeUndefined();
    });

    test('signing in to another tenant than the one chosen is refused (R6 on the tenant signed in to)', async () => {
      const result = await tab.signInToManage('Nestor Wilke', contoso, 'adele@fabrikam.com', 'lee');
      expect(result).toEqual({
        ok: false,
        message: expect.stringContaining('Managing the users of Contoso Ltd'),
      });
    });

    test('signed in as Megan, the search runs at once; her Contoso users can be changed; the same answer twice is refused', async () => {
      const started = await tab.call<{ url: string }>('POST', '/tab/api/users/sign-ins', {
        as: 'Nestor Wilke',
        body: { tenantId: contoso, query: 'alex' },
      });
      const answer = answerOf(
        await signInWithPicker(started.body.url, 'megan@contoso.com', world.sandbox.caCertPem),
      );
      expect(await tab.callback(answer)).toEqual({ ok: true, managing: contoso });
      expect(await tab.callback(answer)).toEqual({
        ok: false,
        message: expect.stringContaining('expired or was already used'),
      });

      const { body } = await usersPage({ as: 'Nestor Wilke' });
      expect(body.managing).toMatchObject({
        tenantId: contoso,
        signedInAs: 'Megan Bowen',
        search: {
          query: 'alex',
          more: false,
          results: [expect.objectContaining({ displayName: 'Alex Wilber' })],
        },
      });
      expect(tenantOf(body, contoso)?.manageable).toBe(true);
      // Someone else's page knows nothing of Nestor's sign-in.
      expect((await usersPage({ as: 'Lidia Holloway' })).body.managing).toBeUndefined();
    });

    test('people found are added with one set of roles; someone the search did not return cannot be', async () => {
      const added = await tab.call<{ notice: string }>('POST', '/tab/api/users', {
        as: 'Nestor Wilke',
        body: { tenantId: contoso, users: [alex().objectId], roles: ['Developer', 'Marketer'] },
      });
      expect(added.status).toBe(200);
      expect(added.body.notice).toBe('Added Alex Wilber as Developer, Marketer: the roles apply at once.');

      const again = await tab.call<{ notice: string }>('POST', '/tab/api/users', {
        as: 'Nestor Wilke',
        body: { tenantId: contoso, users: [alex().objectId], roles: ['Finance Contributor'] },
      });
      expect(again.body.notice).toContain(
        'Already users of the account, left as they were: Alex Wilber (Developer, Marketer)',
      );

      const notFound = await tab.call<{ error: string }>('POST', '/tab/api/users', {
        as: 'Nestor Wilke',
        body: { tenantId: contoso, users: [lee().objectId], roles: ['Developer'] },
      });
      expect(notFound.status).toBe(400);
      expect(notFound.body.error).toContain('only people found in the directory can be added');

      const { body } = await usersPage({ as: 'Nestor Wilke' });
      const users = tenantOf(body, contoso)?.users.map((u) => `${u.displayName}: ${u.roles.join(', ')}`);
      expect(users).toEqual(['Alex Wilber: Developer, Marketer', 'Megan Bowen: Manager']);
      // The search results now say who is an account user already.
      expect(body.managing?.search?.results[0]).toMatchObject({
        displayName: 'Alex Wilber',
        roles: ['Developer', 'Marketer'],
      });
    });

    test('picking nobody, or no role, adds nobody and says what is missing', async () => {
      for (const body of [
        { tenantId: contoso, users: [], roles: ['Developer'] },
        { tenantId: contoso, users: [alex().objectId], roles: [] },
        { tenantId: contoso, users: [alex().objectId], roles: ['Owner'] },
      ]) {
        const reply = await tab.call<{ error: string }>('POST', '/tab/api/users', {
          as: 'Nestor Wilke',
          body,
        });
        expect(reply.status).toBe(400);
        expect(reply.body.error).toMatch(/Pick at least one person|Choose at least one role/);
      }
    });

    test('through Megan’s sign-in, Nestor changes a Contoso user’s roles and removes one', async () => {
      const search = await tab.signInToManage('Nestor Wilke', contoso, 'megan@contoso.com', 'patti');
      expect(search).toEqual({ ok: true, managing: contoso });
      await tab.call('POST', '/tab/api/users', {
        as: 'Nestor Wilke',
        body: { tenantId: contoso, users: [patti().objectId], roles: ['Developer'] },
      });

      const changed = await tab.call<{ notice: string }>(
        'PUT',
        `/tab/api/users/${contoso}/${alex().objectId}/roles`,
        {
          as: 'Nestor Wilke',
          body: { roles: ['Marketer'] },
        },
      );
      expect(changed).toMatchObject({
        status: 200,
        body: { notice: 'Alex Wilber now has the roles Marketer.' },
      });

      const noRole = await tab.call<{ error: string }>(
        'PUT',
        `/tab/api/users/${contoso}/${alex().objectId}/roles`,
        {
          as: 'Nestor Wilke',
          body: { roles: [] },
        },
      );
      expect(noRole.status).toBe(400);
      expect(noRole.body.error).toContain('Choose at least one role');

      const removed = await tab.call<{ notice: string }>(
        'DELETE',
        `/tab/api/users/${contoso}/${patti().objectId}`,
        {
          as: 'Nestor Wilke',
        },
      );
      expect(removed.body.notice).toBe(
        'Patti Fernandez is no longer a user of the account. They keep their account in their own directory.',
      );
      const gone = await tab.call<{ error: string }>(
        'DELETE',
        `/tab/api/users/${contoso}/${patti().objectId}`,
        {
          as: 'Nestor Wilke',
        },
      );
      expect(gone.status).toBe(404);

      const { body } = await usersPage({ as: 'Nestor Wilke' });
      expect(tenantOf(body, contoso)?.users.map((u) => `${u.displayName}: ${u.roles.join(', ')}`)).toEqual([
        'Alex Wilber: Marketer',
        'Megan Bowen: Manager',
      ]);
      // R1 at once: Alex's roles are what the account checks now.
      const asAlex = await usersPage({ as: tab.teamsPersonOf('alex@contoso.com') });
      expect(asAlex.body.viewer).toMatchObject({ roles: ['Marketer'], isManager: false });
    });

    test('signing out forgets who signed in: Contoso’s users are no longer Nestor’s to change', async () => {
      const out = await tab.call<{ notice: string }>('DELETE', '/tab/api/users/sign-ins', {
        as: 'Nestor Wilke',
      });
      expect(out.body.notice).toBe("You're signed out of Contoso Ltd. Nothing of that sign-in is kept.");
      const { body } = await usersPage({ as: 'Nestor Wilke' });
      expect(body.managing).toBeUndefined();
      expect(tenantOf(body, contoso)?.manageable).toBe(false);
      const refused = await tab.call('PUT', `/tab/api/users/${contoso}/${alex().objectId}/roles`, {
        as: 'Nestor Wilke',
        body: { roles: ['Developer'] },
      });
      expect(refused.status).toBe(403);
      const adding = await tab.call<{ error: string }>('POST', '/tab/api/users', {
        as: 'Nestor Wilke',
        body: { tenantId: contoso, users: [alex().objectId], roles: ['Developer'] },
      });
      expect(adding.status).toBe(403);
      expect(adding.body.error).toContain('Your sign-in to Contoso Ltd has ended, so nothing was changed.');
    });

    test('a sign-in whose Manager loses the role ends with it (R6 at every step)', async () => {
      await tab.signInToManage('Nestor Wilke', contoso, 'megan@contoso.com', 'lee');
      // Megan, in Teams as herself, gives up the Manager role (the account has other Managers).
      const demoted = await tab.call('PUT', `/tab/api/users/${contoso}/${megan().objectId}/roles`, {
        as: tab.teamsPersonOf('megan@contoso.com'),
        body: { roles: ['Developer'] },
      });
      expect(demoted.status).toBe(200);
      const { body } = await usersPage({ as: 'Nestor Wilke' });
      expect(body.managing).toBeUndefined();
      const adding = await tab.call('POST', '/tab/api/users', {
        as: 'Nestor Wilke',
        body: { tenantId: contoso, users: [lee().objectId], roles: ['Developer'] },
      });
      expect(adding.status).toBe(403);
    });
  });

  test('Graph paging: a search matching all 151 people of Northwind reads the first 100 and says to narrow it', async () => {
    const northwind = tab.tenantId('Northwind');
    await tab.associate('Lidia Holloway', 'pradeep@northwindtraders.com');
    const result = await tab.signInToManage(
      'Lidia Holloway',
      northwind,
      'pradeep@northwindtraders.com',
      'northwindtraders',
    );
    expect(result).toEqual({
      ok: true,
      managing: northwind,
      notice: 'More than 100 people match: type more of the name or e-mail address to narrow the search.',
    });
    const { body } = await usersPage({ as: 'Lidia Holloway' });
    expect(body.managing?.search?.more).toBe(true);
    const results = body.managing?.search?.results ?? [];
    expect(results).toHaveLength(100);
    expect(new Set(results.map((r) => r.objectId)).size).toBe(100);

    const narrow = await tab.signInToManage(
      'Lidia Holloway',
      northwind,
      'pradeep@northwindtraders.com',
      'Ana',
    );
    expect(narrow).toEqual({ ok: true, managing: northwind });
    const narrowed = (await usersPage({ as: 'Lidia Holloway' })).body.managing?.search;
    expect(narrowed?.more).toBe(false);
    expect(narrowed?.results.every((r) => r.displayName.startsWith('Ana '))).toBe(true);
  });

  test('Graph failing the search still signs in, and says the search did not run', async () => {
    const northwind = tab.tenantId('Northwind');
    world.sandbox.graph.faults.push({ path: '/users', status: 500, times: 1 });
    const result = await tab.signInToManage(
      'Lidia Holloway',
      northwind,
      'pradeep@northwindtraders.com',
      'Ben',
    );
    expect(result).toEqual({
      ok: true,
      managing: northwind,
      notice: expect.stringContaining("Microsoft Graph didn't answer the search, so nothing was changed"),
    });
    expect((await usersPage({ as: 'Lidia Holloway' })).body.managing?.search).toBeUndefined();
  });

  test('a Developer cannot start a sign-in to manage users, nor change anyone', async () => {
    const started = await tab.call<{ error: string }>('POST', '/tab/api/users/sign-ins', {
      as: 'Diego Siciliani',
      body: { tenantId: contoso },
    });
    expect(started.status).toBe(403);
    expect(started.body.error).toContain('can add or change its users');
    const changed = await tab.call(
      'PUT',
      `/tab/api/users/${world.sandbox.directory.teams.tenantId}/${
        world.teams.user('Joni Sherman').objectId
      }/roles`,
      { as: 'Diego Siciliani', body: { roles: ['Manager'] } },
    );
    expect(changed.status).toBe(403);
  });

  test('a sign-in for a tenant that is not associated is refused before any pop-up', async () => {
    const started = await tab.call<{ error: string }>('POST', '/tab/api/users/sign-ins', {
      as: 'Nestor Wilke',
      body: { tenantId: tab.tenantId('Fabrikam') },
    });
    expect(started.status).toBe(404);
    expect(started.body.error).toContain("isn't associated");
  });
});

describe('R13 in the tab: the account always keeps a Manager', () => {
  let world: World;
  let tab: TabClient;
  beforeAll(async () => {
    world = await startWorld({ tab: true });
    tab = new TabClient(world);
  });
  afterAll(() => world?.close());

  test('the last Manager can neither lose the role nor be removed; the refusal says why', async () => {
    const adatum = world.sandbox.directory.teams.tenantId;
    const lidia = world.teams.user('Lidia Holloway').objectId;
    const nestor = world.teams.user('Nestor Wilke').objectId;
    // As the page does: the Users page first (a Manager named only by id in the configuration gets his name).
    await tab.call('GET', '/tab/api/users', { as: 'Nestor Wilke' });
    expect(
      (await tab.call('DELETE', `/tab/api/users/${adatum}/${lidia}`, { as: 'Nestor Wilke' })).status,
    ).toBe(200);

    const demoted = await tab.call<{ error: string }>('PUT', `/tab/api/users/${adatum}/${nestor}/roles`, {
      as: 'Nestor Wilke',
      body: { roles: ['Developer'] },
    });
    expect(demoted.status).toBe(409);
    expect(demoted.body.error).toContain(
      'Nestor Wilke is the last Manager of Adatum Software (Partner Center)',
    );
    const removed = await tab.call<{ error: string }>('DELETE', `/tab/api/users/${adatum}/${nestor}`, {
      as: 'Nestor Wilke',
    });
    expect(removed.status).toBe(409);
    expect(removed.body.error).toContain('the account always keeps at least one');

    const { body } = await tab.call<UsersPage>('GET', '/tab/api/users', { as: 'Nestor Wilke' });
    expect(body.viewer.roles).toEqual(['Manager']);
  });
});

describe('a sign-in to manage a tenant’s users lasts the sign-in lifetime', () => {
  let world: World;
  let tab: TabClient;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(new Date());
    world = await startWorld({ tab: true, clock, env: { SIGN_IN_LIFETIME_MINUTES: '15' } });
    tab = new TabClient(world);
    await tab.associate('Nestor Wilke', 'megan@contoso.com');
  });
  afterAll(() => world?.close());

  test('past it, who signed in is forgotten and nothing more is done in their name', async () => {
    const contoso = tab.tenantId('Contoso');
    expect(await tab.signInToManage('Nestor Wilke', contoso, 'megan@contoso.com', 'alex')).toMatchObject({
      ok: true,
    });
    clock.advance(14 * 60_000);
    const within = await tab.call<UsersPage>('GET', '/tab/api/users', { as: 'Nestor Wilke' });
    expect(within.body.managing?.signedInAs).toBe('Megan Bowen');

    clock.advance(2 * 60_000);
    const after = await tab.call<UsersPage>('GET', '/tab/api/users', { as: 'Nestor Wilke' });
    expect(after.body.managing).toBeUndefined();
    const adding = await tab.call<{ error: string }>('POST', '/tab/api/users', {
      as: 'Nestor Wilke',
      body: {
        tenantId: contoso,
        users: [tab.directoryUser('alex@contoso.com').objectId],
        roles: ['Developer'],
      },
    });
    expect(adding.status).toBe(403);
    expect(adding.body.error).toContain('Your sign-in to Contoso Ltd has ended');
  });
});
