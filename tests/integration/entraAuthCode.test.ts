import { createHash, randomBytes } from 'node:crypto';
import { ConfidentialClientApplication, type AuthorizationUrlRequest, ResponseMode } from '@azure/msal-node';
import jwt from 'jsonwebtoken';
import { CONSUMER_TENANT_ID, type Sandbox, startSandbox } from '../../sandbox';
import { answerOf, get, openAuthorize, signInWithPicker } from '../support/entraAccountPicker';

// The tab's sign-in pop-up: msal-node 2.16.3's authorization-code flow with PKCE, against the login emulator.
const REDIRECT_URI = 'http://localhost:3978/tab/auth/callback';
const SCOPES = ['User.Read'];
const CONTOSO_ID = 'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0';
const MEGAN_ID = 'c0a1b2c3-aaaa-4000-8000-000000000001';

interface SignInAttempt {
  state: string;
  nonce: string;
  codeVerifier: string;
  url: string;
}

describe('Entra ID authorization-code flow (login emulator, msal-node 2.16.3)', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox();
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  function msal(options: { tenant?: string; clientSecret?: string } = {}): ConfidentialClientApplication {
    return new ConfidentialClientApplication({
      auth: {
        clientId: sandbox.tabApp.clientId,
        clientSecret: options.clientSecret ?? sandbox.tabApp.clientSecret,
        authority: `${sandbox.urls.login}/${options.tenant ?? 'organizations'}`,
        knownAuthorities: [new URL(sandbox.urls.login).host],
      },
      system: { customAgentOptions: { ca: sandbox.caCertPem } },
    });
  }

  async function start(
    client: ConfidentialClientApplication,
    extra: Partial<AuthorizationUrlRequest> = {},
  ): Promise<SignInAttempt> {
    const codeVerifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    const nonce = randomBytes(16).toString('base64url');
    const url = await client.getAuthCodeUrl({
      scopes: SCOPES,
      redirectUri: REDIRECT_URI,
      state,
      nonce,
      codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      codeChallengeMethod: 'S256',
      prompt: 'select_account',
      ...extra,
    });
    return { state, nonce, codeVerifier, url };
  }

  /** What the product does with the answer: msal-node checks state and nonce only given the second argument. */
  function redeem(
    client: ConfidentialClientApplication,
    attempt: SignInAttempt,
    answer: Record<string, string>,
    overrides: { codeVerifier?: string; redirectUri?: string } = {},
  ) {
    return client.acquireTokenByCode(
      {
        code: answer.code,
        scopes: SCOPES,
        redirectUri: overrides.redirectUri ?? REDIRECT_URI,
        codeVerifier: overrides.codeVerifier ?? attempt.codeVerifier,
        state: attempt.state,
      },
      { code: answer.code, state: answer.state, nonce: attempt.nonce, client_info: answer.client_info },
    );
  }

  async function graph(path: string, token: string): Promise<{ status: number; body: unknown }> {
    const answer = await get(`${sandbox.urls.graph}${path}`, sandbox.caCertPem, {
      Authorization: `Bearer ${token}`,
    });
    return { status: answer.status, body: JSON.parse(answer.body) as unknown };
  }

  test('R2: a picked account comes back as a code, redeemed for a Graph token of its tenant and an id token with the nonce', async () => {
    const client = msal();
    const attempt = await start(client);
    expect(new URL(attempt.url).pathname).toBe('/organizations/oauth2/v2.0/authorize');

    const outcome = await signInWithPicker(attempt.url, 'megan@contoso.com', sandbox.caCertPem);
    expect(outcome).toMatchObject({ kind: 'redirect', mode: 'query', redirectUri: REDIRECT_URI });
    const answer = answerOf(outcome);
    expect(answer.state).toBe(attempt.state);
    expect(JSON.parse(Buffer.from(answer.client_info, 'base64url').toString('utf8'))).toEqual({
      uid: MEGAN_ID,
      utid: CONTOSO_ID,
    });

    const result = await redeem(client, attempt, answer);
    expect(result.tokenType).toBe('Bearer');
    expect(result.account).toMatchObject({
      homeAccountId: `${MEGAN_ID}.${CONTOSO_ID}`,
      tenantId: CONTOSO_ID,
      username: 'megan@contoso.com',
    });
    expect(result.idTokenClaims).toMatchObject({
      aud: sandbox.tabApp.clientId,
      iss: `${sandbox.urls.login}/${CONTOSO_ID}/v2.0`,
      tid: CONTOSO_ID,
      oid: MEGAN_ID,
      name: 'Megan Bowen',
      preferred_username: 'megan@contoso.com',
      nonce: attempt.nonce,
      ver: '2.0',
    });
    const idClaims = jwt.decode(result.idToken) as jwt.JwtPayload;
    expect(typeof idClaims.sub).toBe('string');
    expect((idClaims.exp ?? 0) - (idClaims.iat ?? 0)).toBe(3600);

    // The access token is Graph's, exactly like the token service's: the sandbox Graph serves it, wids and all.
    const access = jwt.decode(result.accessToken) as jwt.JwtPayload;
    expect(access).toMatchObject({
      aud: 'https://graph.microsoft.com',
      tid: CONTOSO_ID,
      appid: sandbox.tabApp.clientId,
    });
    expect(access.wids).toContain('62e90394-69f5-4237-9190-012177145e10');
    const organization = await graph('/v1.0/organization', result.accessToken);
    expect(organization.status).toBe(200);
    expect(organization.body).toMatchObject({ value: [{ id: CONTOSO_ID, displayName: 'Contoso Ltd' }] });
  });

  test('response_mode=form_post: the answer is a page whose form posts code and state to the redirect URI', async () => {
    const attempt = await start(msal(), { responseMode: ResponseMode.FORM_POST });
    const outcome = await signInWithPicker(attempt.url, 'alex@contoso.com', sandbox.caCertPem);
    expect(outcome).toMatchObject({
      kind: 'form_post',
      redirectUri: REDIRECT_URI,
      params: { state: attempt.state },
    });
    expect(Object.keys(answerOf(outcome)).sort()).toEqual(['client_info', 'code', 'session_state', 'state']);
  });

  test('a code is good once: a replay is AADSTS54005', async () => {
    const client = msal();
    const attempt = await start(client);
    const answer = answerOf(await signInWithPicker(attempt.url, 'alex@contoso.com', sandbox.caCertPem));
    await redeem(client, attempt, answer);
    await expect(redeem(msal(), attempt, answer)).rejects.toMatchObject({
      errorCode: 'invalid_grant',
      errorMessage: expect.stringContaining('AADSTS54005'),
    });
  });

  test('the PKCE verifier must match the challenge (AADSTS501481)', async () => {
    const client = msal();
    const attempt = await start(client);
    const answer = answerOf(await signInWithPicker(attempt.url, 'alex@contoso.com', sandbox.caCertPem));
    await expect(
      redeem(client, attempt, answer, { codeVerifier: randomBytes(32).toString('base64url') }),
    ).rejects.toMatchObject({
      errorCode: 'invalid_grant',
      errorMessage: expect.stringContaining('AADSTS501481'),
    });
  });

  test('the redirect URI must be the one the code was issued for (AADSTS500112, an invalid_client error)', async () => {
    const client = msal();
    const attempt = await start(client);
    const answer = answerOf(await signInWithPicker(attempt.url, 'alex@contoso.com', sandbox.caCertPem));
    await expect(
      redeem(client, attempt, answer, { redirectUri: 'http://localhost:3978/elsewhere' }),
    ).rejects.toMatchObject({
      errorCode: 'invalid_client',
      errorMessage: expect.stringContaining('AADSTS500112'),
    });
  });

  test('a wrong client secret is refused (AADSTS7000215) and leaves the code unspent', async () => {
    const attempt = await start(msal());
    const answer = answerOf(await signInWithPicker(attempt.url, 'grady@fabrikam.com', sandbox.caCertPem));
    await expect(redeem(msal({ clientSecret: 'not-the-secret' }), attempt, answer)).rejects.toMatchObject({
      errorCode: 'invalid_client',
      errorMessage: expect.stringContaining('AADSTS7000215'),
    });
    const result = await redeem(msal(), attempt, answer);
    expect(result.idTokenClaims).toMatchObject({ tid: 'fab1fab1-2222-4e3f-8a00-fabfabfabfab' });
  });

  test('msal-node refuses an id token whose nonce is not the one it sent', async () => {
    const client = msal();
    const attempt = await start(client);
    const answer = answerOf(await signInWithPicker(attempt.url, 'alex@contoso.com', sandbox.caCertPem));
    await expect(redeem(client, { ...attempt, nonce: 'another-nonce' }, answer)).rejects.toMatchObject({
      errorCode: 'nonce_mismatch',
    });
  });

  test('a code expires (AADSTS70008)', async () => {
    const shortLived = await startSandbox({ authCodeTtlMs: 50 });
    try {
      const client = new ConfidentialClientApplication({
        auth: {
          clientId: shortLived.tabApp.clientId,
          clientSecret: shortLived.tabApp.clientSecret,
          authority: `${shortLived.urls.login}/organizations`,
          knownAuthorities: [new URL(shortLived.urls.login).host],
        },
        system: { customAgentOptions: { ca: shortLived.caCertPem } },
      });
      const attempt = await start(client);
      const answer = answerOf(await signInWithPicker(attempt.url, 'alex@contoso.com', shortLived.caCertPem));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await expect(redeem(client, attempt, answer)).rejects.toMatchObject({
        errorCode: 'invalid_grant',
        errorMessage: expect.stringContaining('AADSTS70008'),
      });
    } finally {
      await shortLived.close();
    }
  });

  test("R9: at organizations Entra ID's page turns a personal account away, and never redirects", async () => {
    const attempt = await start(msal());
    const outcome = await signInWithPicker(attempt.url, 'pat.kim@outlook.com', sandbox.caCertPem);
    expect(outcome).toMatchObject({ kind: 'page', status: 200 });
    const html = outcome.kind === 'page' ? outcome.html : '';
    expect(html).toContain('You can&#39;t sign in here with a personal account');
    // The person may pick another account: the link starts the same sign-in over.
    expect(html).toMatch(
      /<a href="\/organizations\/oauth2\/v2\.0\/authorize\?[^"]+" id="use-another-account">/,
    );
  });

  test('R9: at common a personal account signs in, with the consumer tenant in tid; Graph has no organization for it', async () => {
    const client = msal({ tenant: 'common' });
    const attempt = await start(client);
    const answer = answerOf(await signInWithPicker(attempt.url, 'pat.kim@outlook.com', sandbox.caCertPem));
    const result = await redeem(client, attempt, answer);
    expect(result.idTokenClaims).toMatchObject({
      tid: CONSUMER_TENANT_ID,
      preferred_username: 'pat.kim@outlook.com',
    });
    expect((await graph('/v1.0/me', result.accessToken)).status).toBe(200);
    expect((await graph('/v1.0/organization', result.accessToken)).status).toBe(500);
  });

  test('a tenant-specific authority signs in its own users only (AADSTS50020 on the page for others)', async () => {
    const client = msal({ tenant: 'contoso.com' });
    const refused = await signInWithPicker(
      (await start(client)).url,
      'adele@fabrikam.com',
      sandbox.caCertPem,
    );
    expect(refused.kind === 'page' && refused.html).toContain('AADSTS50020');
    const attempt = await start(client);
    const result = await redeem(
      client,
      attempt,
      answerOf(await signInWithPicker(attempt.url, 'alex@contoso.com', sandbox.caCertPem)),
    );
    expect(result.account?.tenantId).toBe(CONTOSO_ID);
  });

  test('the authorize endpoint refuses bad requests as Entra ID does: on its page until the redirect URI is trusted, then by redirect', async () => {
    const valid = new URL((await start(msal())).url);
    const variant = (change: (q: URLSearchParams) => void): string => {
      const url = new URL(valid);
      change(url.searchParams);
      return url.href;
    };
    const page = async (url: string): Promise<string> => {
      const outcome = await openAuthorize(url, sandbox.caCertPem);
      expect(outcome).toMatchObject({ kind: 'page', status: 400 });
      return outcome.kind === 'page' ? outcome.html : '';
    };
    const redirected = async (url: string): Promise<Record<string, string>> => {
      const outcome = await openAuthorize(url, sandbox.caCertPem);
      expect(outcome).toMatchObject({ kind: 'redirect', redirectUri: REDIRECT_URI });
      return answerOf(outcome);
    };

    expect(await page(variant((q) => q.set('client_id', '00000000-0000-0000-0000-000000000bad')))).toContain(
      'AADSTS700016',
    );
    expect(
      await page(variant((q) => q.set('redirect_uri', 'https://tenants.contoso.com/callback'))),
    ).toContain('AADSTS50011');
    expect(await page(variant((q) => q.set('redirect_uri', 'not a url')))).toContain('AADSTS90102');
    // Loopback, any port, http or https: as Entra ID allows for localhost redirect URIs.
    for (const uri of ['http://127.0.0.1:61234/cb', 'https://localhost/cb', 'http://[::1]:3978/cb']) {
      expect(
        (
          await openAuthorize(
            variant((q) => q.set('redirect_uri', uri)),
            sandbox.caCertPem,
          )
        ).kind,
      ).toBe('page');
    }

    expect(await redirected(variant((q) => q.delete('code_challenge')))).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining(
        "AADSTS900144: The request body must contain the following parameter: 'code_challenge'",
      ),
      state: valid.searchParams.get('state'),
    });
    expect(await redirected(variant((q) => q.set('code_challenge_method', 'plain')))).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining('AADSTS50149'),
    });
    expect(await redirected(variant((q) => q.set('response_type', 'token')))).toMatchObject({
      error: 'unsupported_response_type',
    });
    expect(await redirected(variant((q) => q.set('scope', 'api://elsewhere/read openid')))).toMatchObject({
      error: 'invalid_resource',
      error_description: expect.stringContaining('AADSTS500011'),
    });
    expect(await redirected(variant((q) => q.set('prompt', 'none')))).toMatchObject({
      error: 'login_required',
      error_description: expect.stringContaining('AADSTS50058'),
    });
  });

  test('the tab app can also get an app token by client credentials, with its secret only', async () => {
    const client = msal({ tenant: CONTOSO_ID });
    const result = await client.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
    });
    expect(jwt.decode(result?.accessToken ?? '')).toMatchObject({
      idtyp: 'app',
      appid: sandbox.tabApp.clientId,
      tid: CONTOSO_ID,
    });
    await expect(
      msal({ tenant: CONTOSO_ID, clientSecret: 'wrong' }).acquireTokenByClientCredential({
        scopes: ['https://graph.microsoft.com/.default'],
      }),
    ).rejects.toMatchObject({ errorCode: 'invalid_client' });
  });
});
