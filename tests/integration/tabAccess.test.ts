import { freePort } from '../support/freePort';
import { TabClient } from '../support/tabClient';
import { startWorld, type World } from '../support/world';

const ADATUM = '5f1a2b3c-0000-4a11-9d00-adadadadadad';

/**
 * Who may call the Tenants tab's API for the Users page, Remove and the history: a Teams SSO token in the
 * Authorization header, checked before anything is read or changed, and nothing else. No cookie is ever a
 * credential, so another site cannot act on a person's behalf (CSRF); bodies are JSON only.
 */
describe('the tab API’s Users, Remove and History calls take a Teams SSO token and nothing else', () => {
  let world: World;
  let tab: TabClient;
  let lidia: string;

  beforeAll(async () => {
    world = await startWorld({ tab: true });
    tab = new TabClient(world);
    lidia = world.teams.user('Lidia Holloway').objectId;
  });
  afterAll(() => world?.close());

  const calls = (): [string, string, unknown?][] => [
    ['GET', '/tab/api/users'],
    ['POST', '/tab/api/users', { tenantId: ADATUM, users: [lidia], roles: ['Developer'] }],
    ['POST', '/tab/api/users/sign-ins', { tenantId: ADATUM, query: 'a' }],
    ['DELETE', '/tab/api/users/sign-ins'],
    ['PUT', `/tab/api/users/${ADATUM}/${lidia}/roles`, { roles: ['Developer'] }],
    ['DELETE', `/tab/api/users/${ADATUM}/${lidia}`],
    ['POST', '/tab/api/removals', { tenantId: tab.tenantId('Contoso') }],
    ['GET', '/tab/api/history'],
    ['GET', '/tab/api/history.csv'],
  ];
  const now = () => Math.floor(Date.now() / 1000);
  const forgeries: [string, () => string][] = [
    ['no Authorization header', () => ''],
    ['a token that is not a bearer JWT', () => 'Bearer not-a-token'],
    ['a bare token without "Bearer"', () => tab.ssoToken()],
    [
      'an expired token',
      () =>
        `Bearer ${world.sandbox.mintSsoToken({
          user: world.teams.user('Nestor Wilke'),
          audience: tab.audience(),
          overrides: { exp: now() - 600, iat: now() - 4200, nbf: now() - 4200 },
        })}`,
    ],
    [
      'a token for another app',
      () =>
        `Bearer ${world.sandbox.mintSsoToken({ user: world.teams.user('Nestor Wilke'), audience: 'api://localhost/another-app' })}`,
    ],
    [
      'a token signed with a key Entra ID does not publish',
      () =>
        `Bearer ${world.sandbox.mintSsoToken({ user: world.teams.user('Nestor Wilke'), audience: tab.audience(), signWith: 'unknownKey' })}`,
    ],
    [
      'a token without the access_as_user scope',
      () =>
        `Bearer ${world.sandbox.mintSsoToken({ user: world.teams.user('Nestor Wilke'), audience: tab.audience(), overrides: { scp: 'User.Read' } })}`,
    ],
  ];

  test.each(forgeries)(
    '%s: every call is a 401 that says nothing about the account',
    async (_what, forged) => {
      for (const [method, path, body] of calls()) {
        const reply = await tab.call(method, path, { authorization: forged(), body });
        expect({ method, path, status: reply.status }).toEqual({ method, path, status: 401 });
        expect(Object.keys(reply.body as object)).toEqual(['error']);
      }
    },
  );

  test('a session cookie is no credential: with cookies and no token, every call is a 401', async () => {
    for (const [method, path, body] of calls()) {
      const reply = await tab.call(method, path, {
        authorization: '',
        headers: { cookie: 'session=nestor; .AspNetCore.Cookies=x' },
        body,
      });
      expect({ method, path, status: reply.status }).toEqual({ method, path, status: 401 });
    }
  });

  test('nothing the forged calls asked for happened', async () => {
    const users = await tab.call<{ tenants: { users: { displayName: string; roles: string[] }[] }[] }>(
      'GET',
      '/tab/api/users',
      { as: 'Nestor Wilke' },
    );
    const everyone = users.body.tenants.flatMap((t) => t.users);
    expect(everyone.find((u) => u.displayName === 'Lidia Holloway')?.roles).toEqual(['Manager']);
    const overview = await tab.call<{ pending: unknown[] }>('GET', '/tab/api/overview', {
      as: 'Nestor Wilke',
    });
    expect(overview.body.pending).toEqual([]);
  });

  test('a body that is not JSON is refused (415) even with a valid token: a form on another site cannot post here', async () => {
    for (const [method, path, body] of calls().filter(([, , body]) => body !== undefined)) {
      const reply = await tab.call(method, path, {
        as: 'Nestor Wilke',
        body: new URLSearchParams(body as Record<string, string>).toString(),
        contentType: 'application/x-www-form-urlencoded',
      });
      expect({ method, path, status: reply.status }).toEqual({ method, path, status: 415 });
    }
    const plain = await tab.call('PUT', `/tab/api/users/${ADATUM}/${lidia}/roles`, {
      as: 'Nestor Wilke',
      body: '{"roles":["Developer"]}',
      contentType: 'text/plain',
    });
    expect(plain.status).toBe(415);
  });

  test('another origin’s preflight is granted nothing', async () => {
    for (const [method, path] of calls()) {
      const preflight = await fetch(tab.url(path), {
        method: 'OPTIONS',
        headers: {
          origin: 'https://evil.example',
          'access-control-request-method': method,
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
    }
  });

  test('the pop-up’s callback takes Entra ID’s form post only', async () => {
    const posted = await fetch(tab.url('/tab/auth/callback'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'x', code: 'y' }),
    });
    expect(await posted.text()).toContain('expired or was already used');
  });

  test('one person starting sign-ins in a loop is paused, as in the bot, and told when to try again', async () => {
    const replies = [];
    for (let i = 0; i < 25; i++) {
      replies.push(
        await tab.call<{ url?: string; error?: string }>('POST', '/tab/api/users/sign-ins', {
          as: 'Lidia Holloway',
          body: { tenantId: ADATUM, query: 'a' },
        }),
      );
    }
    const paused = replies.find((r) => r.status === 429);
    expect(paused?.body.url).toBeUndefined();
    expect(paused?.body.error).toMatch(/That's a lot of (sign-ins started|directory searches) in a minute/);
    // Someone else is not held up by it.
    const nestor = await tab.call('POST', '/tab/api/sign-ins', { as: 'Nestor Wilke' });
    expect(nestor.status).toBe(200);
  });

  test('every answer under /tab carries the CSP: Teams may frame it, scripts from its own origin only', async () => {
    const answers = [
      await fetch(tab.url('/tab')),
      await fetch(tab.url('/tab/app.js')),
      await fetch(tab.url('/tab/not-an-asset.js')),
      await fetch(tab.url('/tab/constructor')),
      await fetch(tab.url('/tab/api/overview')),
      await fetch(tab.url('/tab/api/overview'), { headers: { authorization: `Bearer ${tab.ssoToken()}` } }),
      await fetch(tab.url('/tab/auth/start?session=not-a-session')),
      await fetch(tab.url('/tab/auth/callback'), { method: 'POST', body: 'state=x&code=y' }),
    ];
    for (const answer of answers) {
      const csp = answer.headers.get('content-security-policy') ?? '';
      expect({ url: answer.url, status: answer.status, csp }).toEqual({
        url: answer.url,
        status: answer.status,
        csp: expect.stringMatching(
          /script-src 'self';.*frame-ancestors [^;]*https:\/\/teams\.microsoft\.com/,
        ),
      });
      expect(csp).not.toContain('unsafe-inline');
    }
  });

  test('ids in the path that are not a user’s are refused without a lookup', async () => {
    const reply = await tab.call<{ error: string }>('PUT', '/tab/api/users/not-a-tenant/%7B%7D/roles', {
      as: 'Nestor Wilke',
      body: { roles: ['Developer'] },
    });
    expect(reply.status).toBe(404);
    expect(reply.body.error).toContain('is not a user of');
  });
});

describe('the sign-in pop-up on an https deployment', () => {
  let world: World;
  let tab: TabClient;
  beforeAll(async () => {
    // Teams opens only https pop-ups: behind https (a proxy in front of the bot), the pop-up starts on the tab's page.
    const port = String(await freePort());
    world = await startWorld({
      tab: true,
      env: { PORT: port, BOT_DOMAIN: `localhost:${port}`, PUBLIC_URL: `https://localhost:${port}` },
    });
    tab = new TabClient(world);
  });
  afterAll(() => world?.close());

  test.each([
    ['associating', '/tab/api/sign-ins', {}],
    ['managing users', '/tab/api/users/sign-ins', { tenantId: ADATUM }],
  ])(
    '%s: the pop-up’s first page sends it on to Entra ID’s account picker; an unknown session goes nowhere',
    async (_what, path, body) => {
      const started = await tab.call<{ url: string }>('POST', path, { as: 'Nestor Wilke', body });
      const url = new URL(started.body.url);
      expect(url.origin).toBe(`https://localhost:${world.env.PORT}`);
      expect(url.pathname).toBe('/tab/auth/start');
      const served = tab.url(`${url.pathname}${url.search}`);
      const first = await fetch(served, { redirect: 'manual' });
      expect(first.status).toBe(302);
      const location = new URL(first.headers.get('location') ?? '');
      expect(location.pathname).toBe('/organizations/oauth2/v2.0/authorize');
      expect(location.searchParams.get('state')).toBe(url.searchParams.get('session'));

      const unknown = await fetch(tab.url('/tab/auth/start?session=nobody'), { redirect: 'manual' });
      expect(await unknown.text()).toContain('expired or was already used');
    },
  );
});
