import { answerOf, signInWithPicker } from '../support/entraAccountPicker';
import { reviewCardFor } from '../support/flows';
import { startWorld, type World } from '../support/world';

const CONTOSO_ID = 'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0';

/**
 * The Tenants tab's API over HTTP, with Teams SSO tokens minted by the sandbox's Entra ID: every call is
 * checked before anything is answered, and the person is the token's tid/oid.
 */
describe('the Tenants tab API (real server, sandbox Entra ID and Graph, Redis)', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ tab: true });
  });
  afterAll(() => world.close());

  const tabUrl = (path: string) => `http://localhost:${world.env.PORT}${path}`;
  const nestor = () => world.teams.user('Nestor Wilke');
  const audience = () => `api://localhost:${world.env.PORT}/${world.sandbox.tabApp.clientId}`;
  const ssoToken = (
    overrides: Parameters<World['sandbox']['mintSsoToken']>[0] = { user: nestor(), audience: audience() },
  ) => world.sandbox.mintSsoToken(overrides);

  async function overview(
    authorization?: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(tabUrl('/tab/api/overview'), {
      headers: authorization ? { authorization } : {},
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  test('a valid SSO token of a user of the account gets the Tenants page', async () => {
    const { status, body } = await overview(`Bearer ${ssoToken()}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      account: 'Adatum Software (Partner Center)',
      viewer: { displayName: 'Nestor Wilke', canAssociate: true },
      tenants: [expect.objectContaining({ tenantId: world.sandbox.directory.teams.tenantId })],
    });
  });

  test.each([
    ['no token at all', () => undefined],
    ['a token that is not a bearer JWT', () => 'Bearer not-a-token'],
    [
      'an expired token',
      () =>
        `Bearer ${ssoToken({ user: nestor(), audience: audience(), overrides: { exp: now() - 600, iat: now() - 4200, nbf: now() - 4200 } })}`,
    ],
    [
      'a token not yet valid',
      () => `Bearer ${ssoToken({ user: nestor(), audience: audience(), overrides: { nbf: now() + 3600 } })}`,
    ],
    [
      'a token for another app',
      () => `Bearer ${ssoToken({ user: nestor(), audience: 'api://localhost/another-app' })}`,
    ],
    [
      'a token from another issuer',
      () =>
        `Bearer ${ssoToken({ user: nestor(), audience: audience(), overrides: { iss: 'https://login.example.com/x/v2.0' } })}`,
    ],
    [
      'a token whose issuer is another tenant’s',
      () =>
        `Bearer ${ssoToken({ user: nestor(), audience: audience(), overrides: { iss: `${world.sandbox.urls.login}/${CONTOSO_ID}/v2.0` } })}`,
    ],
    [
      'a token signed with a key Entra ID does not publish',
      () => `Bearer ${ssoToken({ user: nestor(), audience: audience(), signWith: 'unknownKey' })}`,
    ],
    [
      'a token without the access_as_user scope',
      () => `Bearer ${ssoToken({ user: nestor(), audience: audience(), overrides: { scp: 'User.Read' } })}`,
    ],
    [
      'a token with no scope at all',
      () => `Bearer ${ssoToken({ user: nestor(), audience: audience(), overrides: { scp: undefined } })}`,
    ],
    [
      'a v1.0 token',
      () => `Bearer ${ssoToken({ user: nestor(), audience: audience(), overrides: { ver: '1.0' } })}`,
    ],
  ])('%s is refused with 401, and nothing is said about the account', async (_what, authorization) => {
    const { status, body } = await overview(authorization());
    expect(status).toBe(401);
    expect(Object.keys(body)).toEqual(['error']);
  });

  test('a valid token of someone who is not a user of the account is refused with the role to ask for', async () => {
    const isaiah = world.teams.user('Isaiah Langer');
    const { status, body } = await overview(`Bearer ${ssoToken({ user: isaiah, audience: audience() })}`);
    expect(status).toBe(403);
    expect(String(body.error)).toContain("you aren't a user of that account");
  });

  describe('the sign-in pop-up (authorization code with PKCE, state and nonce)', () => {
    async function startSignIn(user = nestor()): Promise<string> {
      const response = await fetch(tabUrl('/tab/api/sign-ins'), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ssoToken({ user, audience: audience() })}`,
          'content-type': 'application/json',
        },
        body: '{}',
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { url: string }).url;
    }

    async function callback(
      params: Record<string, string>,
    ): Promise<{ ok: boolean; requestId?: string; message?: string }> {
      const response = await fetch(tabUrl('/tab/auth/callback'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params).toString(),
      });
      expect(response.status).toBe(200);
      const html = await response.text();
      const meta = /<meta name="sign-in-result" content="([^"]*)"/.exec(html)?.[1] ?? '';
      return JSON.parse(
        meta
          .replace(/&quot;/g, '"')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&'),
      );
    }

    async function picked(url: string, upn: string): Promise<Record<string, string>> {
      return answerOf(await signInWithPicker(url, upn, world.sandbox.caCertPem));
    }

    test('the pop-up goes to Entra ID with PKCE, state, nonce and select_account, against organizations', async () => {
      const url = new URL(await startSignIn());
      expect(url.pathname).toBe('/organizations/oauth2/v2.0/authorize');
      expect(Object.fromEntries(url.searchParams)).toMatchObject({
        client_id: world.sandbox.tabApp.clientId,
        response_type: 'code',
        response_mode: 'form_post',
        prompt: 'select_account',
        code_challenge_method: 'S256',
        redirect_uri: tabUrl('/tab/auth/callback'),
      });
      for (const param of ['state', 'nonce', 'code_challenge'])
        expect(url.searchParams.get(param)).toBeTruthy();
    });

    test('Entra ID’s answer opens the review of the tenant signed in to; the same answer again is refused', async () => {
      const answer = await picked(await startSignIn(), 'megan@contoso.com');
      const first = await callback(answer);
      expect(first).toEqual({ ok: true, requestId: expect.any(String) });
      const review = await fetch(tabUrl(`/tab/api/requests/${first.requestId}`), {
        headers: { authorization: `Bearer ${ssoToken()}` },
      });
      expect(JSON.stringify(await review.json())).toContain('Associate Contoso Ltd');
      expect(await callback(answer)).toEqual({
        ok: false,
        message: expect.stringContaining('expired or was already used'),
      });
    });

    test('a state this server never issued is refused', async () => {
      const answer = await picked(await startSignIn(), 'alex@contoso.com');
      expect(await callback({ ...answer, state: 'not-a-session' })).toEqual({
        ok: false,
        message: expect.stringContaining('expired or was already used'),
      });
    });

    test('a code already redeemed is refused, even under a new sign-in', async () => {
      const spent = await picked(await startSignIn(), 'alex@contoso.com');
      await callback(spent);
      const fresh = await picked(await startSignIn(), 'alex@contoso.com');
      expect(await callback({ ...fresh, code: spent.code })).toEqual({
        ok: false,
        message: expect.stringContaining("didn't go through"),
      });
    });

    test('someone else’s pop-up answer is theirs: the review belongs to whoever started the sign-in', async () => {
      const lidia = world.teams.user('Lidia Holloway');
      const answer = await picked(await startSignIn(lidia), 'alex@contoso.com');
      const result = await callback(answer);
      expect(result.ok).toBe(true);
      const asNestor = await fetch(tabUrl(`/tab/api/requests/${result.requestId}`), {
        headers: { authorization: `Bearer ${ssoToken()}` },
      });
      expect(asNestor.status).toBe(403);
    });

    test('a Confirm in the tab and one in the chat for the same tenant, at once: one association, and the other is told (R8)', async () => {
      const lidia = world.teams.user('Lidia Holloway');
      const chat = world.teams.personalChat(nestor());
      const [chatReview, tabSignIn] = await Promise.all([
        reviewCardFor(world, nestor(), chat, 'adele@fabrikam.com'),
        startSignIn(lidia).then(async (url) => callback(await picked(url, 'grady@fabrikam.com'))),
      ]);
      expect(tabSignIn).toEqual({ ok: true, requestId: expect.any(String) });

      const [inChat, inTab] = await Promise.all([
        world.teams.press(nestor(), chat, chatReview, 'confirm').then((d) => JSON.stringify(d.body)),
        fetch(tabUrl(`/tab/api/requests/${tabSignIn.requestId}/confirm`), {
          method: 'POST',
          headers: {
            authorization: `Bearer ${ssoToken({ user: lidia, audience: audience() })}`,
            'content-type': 'application/json',
          },
          body: '{}',
        }).then(async (r) => JSON.stringify(await r.json())),
      ]);
      const outcomes = [inChat, inTab].map((b) =>
        b.includes('is already associated with') ? 'told' : b.includes('Associated by') ? 'associated' : b,
      );
      expect(outcomes.sort()).toEqual(['associated', 'told']);

      const { body } = await overview(`Bearer ${ssoToken()}`);
      const tenants = body.tenants as { organization: string }[];
      expect(tenants.filter((t) => t.organization === 'Fabrikam, Inc.')).toHaveLength(1);
    });

    test('a Developer cannot start the pop-up (R1)', async () => {
      const response = await fetch(tabUrl('/tab/api/sign-ins'), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ssoToken({ user: world.teams.user('Diego Siciliani'), audience: audience() })}`,
        },
      });
      expect(response.status).toBe(403);
    });
  });
});

function now(): number {
  return Math.floor(Date.now() / 1000);
}
