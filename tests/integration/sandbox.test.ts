import { execFile } from 'node:child_process';
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { ConfidentialClientApplication } from '@azure/msal-node';
import {
  AuthenticationHandler,
  Client,
  type Context,
  type Middleware,
  PageIterator,
  RedirectHandler,
  RetryHandler,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import { type Activity, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { type ClaimsIdentity, MsalServiceClientCredentialsFactory } from 'botframework-connector';
import { UserTokenClientImpl } from 'botframework-connector/lib/auth/userTokenClientImpl';
import jwt from 'jsonwebtoken';
import {
  CONSUMER_TENANT_ID,
  GLOBAL_ADMIN_ROLE_TEMPLATE_ID,
  CHANNEL_TOKEN_FORGERIES,
  type Sandbox,
  startSandbox,
} from '../../sandbox';

// botbuilder caches app tokens process-wide by app id + scope, so each sandbox in one process needs its own app id.
const APP_ID = '11111111-2222-4333-8444-555555555555';
const APP_PASSWORD = 'sandbox-secret';
const CONNECTION = 'TenantSignIn';
const NESTOR = {
  id: '29:adatum-nestor',
  aadObjectId: '7a1c9f10-1111-4c6e-8a10-000000000001',
  name: 'Nestor Wilke',
};
const CONTOSO_ID = 'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: Partial<Activity>;
}

/** Stands in for the bot's /api/messages so the sandbox's signin/verifyState can be observed. */
async function startFakeBot(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<Activity>,
      });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/messages`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function msalFor(sandbox: Sandbox, clientSecret = APP_PASSWORD): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: {
      clientId: APP_ID,
      clientSecret,
      authority: `${sandbox.urls.login}/botframework.com`,
      knownAuthorities: [new URL(sandbox.urls.login).host],
    },
    // msal-node makes its own https requests: `ca` here is all it needs to trust the local CA.
    system: { customAgentOptions: { ca: sandbox.caCertPem } },
  });
}

/**
 * The Graph client calls the global fetch (undici), which ignores `fetchOptions.agent`. This last link of the
 * middleware chain does the request with node:https and a CA-trusting agent instead.
 */
class CaTrustingHttpHandler implements Middleware {
  constructor(private readonly agent: https.Agent) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const options = context.options ?? {};
    context.response = await new Promise<Response>((resolve, reject) => {
      const req = https.request(
        url,
        {
          method: options.method ?? 'GET',
          headers: options.headers as Record<string, string>,
          agent: this.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const headers = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
              if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
            }
            const status = res.statusCode ?? 500;
            const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
            resolve(new Response(body, { status, statusText: res.statusMessage, headers }));
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (typeof options.body === 'string' || Buffer.isBuffer(options.body)) req.write(options.body);
      req.end();
    });
  }
}

function graphClient(sandbox: Sandbox, token: string): Client {
  const authentication = new AuthenticationHandler({ getAccessToken: async () => token });
  const retry = new RetryHandler();
  const redirect = new RedirectHandler();
  const telemetry = new TelemetryHandler();
  authentication.setNext(retry);
  retry.setNext(redirect);
  redirect.setNext(telemetry);
  telemetry.setNext(new CaTrustingHttpHandler(new https.Agent({ ca: sandbox.caCertPem })));
  return Client.initWithMiddleware({
    middleware: authentication,
    baseUrl: sandbox.urls.graph,
    customHosts: new Set(['localhost']),
  });
}

function inboundActivity(sandbox: Sandbox, conversationId: string): Partial<Activity> {
  return {
    type: 'message',
    id: 'inbound-1',
    channelId: 'msteams',
    serviceUrl: sandbox.urls.connector,
    from: NESTOR,
    recipient: { id: `28:${APP_ID}`, name: 'Tenant association' },
    conversation: {
      id: conversationId,
      conversationType: 'personal',
      tenantId: sandbox.directory.teams.tenantId,
      isGroup: false,
      name: '',
    },
    text: 'associate tenant',
  };
}

describe('sandbox, production-like (requireAuth, bot app id)', () => {
  let sandbox: Sandbox;
  let fakeBot: Awaited<ReturnType<typeof startFakeBot>>;
  let auth: ConfigurationBotFrameworkAuthentication;

  beforeAll(async () => {
    fakeBot = await startFakeBot();
    sandbox = await startSandbox({
      requireAuth: true,
      botAppId: APP_ID,
      botAppPassword: APP_PASSWORD,
      botEndpoint: fakeBot.url,
    });
    auth = new ConfigurationBotFrameworkAuthentication(
      { MicrosoftAppId: APP_ID, ...sandbox.botFrameworkAuthConfig() },
      new MsalServiceClientCredentialsFactory(APP_ID, msalFor(sandbox)),
    );
  });

  afterAll(async () => {
    await sandbox?.close();
    await fakeBot?.close();
  });

  afterEach(() => jest.restoreAllMocks());

  async function authenticated(
    conversationId: string,
  ): Promise<{ identity: ClaimsIdentity; activity: Partial<Activity> }> {
    const activity = inboundActivity(sandbox, conversationId);
    const token = sandbox.mintChannelToken({ appId: APP_ID, serviceUrl: sandbox.urls.connector });
    const result = await auth.authenticateRequest(activity as Activity, `Bearer ${token}`);
    return { identity: result.claimsIdentity, activity };
  }

  test('botFrameworkAuthConfig sets every endpoint key', () => {
    const config = sandbox.botFrameworkAuthConfig();
    expect(Object.keys(config).sort()).toEqual(
      [
        'CallerId',
        'OAuthUrl',
        'ToBotFromChannelOpenIdMetadataUrl',
        'ToBotFromChannelTokenIssuer',
        'ToBotFromEmulatorOpenIdMetadataUrl',
        'ToChannelFromBotLoginUrl',
        'ToChannelFromBotOAuthScope',
        'ValidateAuthority',
      ].sort(),
    );
    expect(Object.values(config).every((v) => v.length > 0)).toBe(true);
    expect(sandbox.urls.connector.endsWith('/')).toBe(true);
  });

  test('channel OpenID metadata and JWKS verify a minted token; forgeries fail', async () => {
    const metadata = (await (
      await fetch(sandbox.botFrameworkAuthConfig().ToBotFromChannelOpenIdMetadataUrl)
    ).json()) as {
      issuer: string;
      jwks_uri: string;
      id_token_signing_alg_values_supported: string[];
    };
    expect(metadata.issuer).toBe('https://api.botframework.com');
    expect(metadata.id_token_signing_alg_values_supported).toEqual(['RS256']);
    const { keys } = (await (await fetch(metadata.jwks_uri)).json()) as {
      keys: (JsonWebKey & { kid: string; endorsements: string[] })[];
    };
    expect(keys[0].endorsements).toEqual(expect.arrayContaining(['msteams', 'webchat', 'emulator']));

    const verify = (token: string): jwt.JwtPayload => {
      const kid = jwt.decode(token, { complete: true })?.header.kid;
      const jwk = keys.find((k) => k.kid === kid);
      if (!jwk) throw new Error('unknown kid');
      return jwt.verify(token, createPublicKey({ key: jwk, format: 'jwk' }), {
        algorithms: ['RS256'],
        audience: APP_ID,
        issuer: metadata.issuer,
      }) as jwt.JwtPayload;
    };
    const claims = verify(sandbox.mintChannelToken({ appId: APP_ID, serviceUrl: sandbox.urls.connector }));
    expect(claims.serviceurl).toBe(sandbox.urls.connector);

    for (const forge of CHANNEL_TOKEN_FORGERIES) {
      const token = sandbox.mintChannelToken({ appId: APP_ID, serviceUrl: sandbox.urls.connector, forge });
      expect(() => verify(token)).toThrow();
    }
  });

  test("botbuilder's own authentication accepts minted channel tokens and rejects every forgery", async () => {
    // botbuilder logs every key it could not match; expected here.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const { identity } = await authenticated('a:auth-check');
    expect(identity.isAuthenticated).toBe(true);

    for (const forge of CHANNEL_TOKEN_FORGERIES) {
      const token = sandbox.mintChannelToken({ appId: APP_ID, serviceUrl: sandbox.urls.connector, forge });
      await expect(
        auth.authenticateRequest(inboundActivity(sandbox, 'a:x') as Activity, `Bearer ${token}`),
      ).rejects.toThrow();
    }
    // The serviceurl claim must match the activity exactly.
    const elsewhere = sandbox.mintChannelToken({ appId: APP_ID, serviceUrl: 'http://127.0.0.1:1/' });
    await expect(
      auth.authenticateRequest(inboundActivity(sandbox, 'a:x') as Activity, `Bearer ${elsewhere}`),
    ).rejects.toThrow(/ServiceUrl/);
  });

  test('msal-node 2.16.3 acquires a client-credentials token from the login emulator', async () => {
    const result = await msalFor(sandbox).acquireTokenByClientCredential({
      scopes: ['https://api.botframework.com/.default'],
    });
    expect(result?.tokenType).toBe('Bearer');
    const claims = jwt.decode(result?.accessToken ?? '') as jwt.JwtPayload;
    expect(claims).toMatchObject({
      aud: 'https://api.botframework.com',
      appid: APP_ID,
      azp: APP_ID,
      tid: 'd6d49420-f39b-4df7-a1dc-d59a935871db',
    });
    expect(claims.iss).toBe(`${sandbox.urls.login}/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0`);

    await expect(
      msalFor(sandbox, 'wrong-secret').acquireTokenByClientCredential({
        scopes: ['https://api.botframework.com/.default'],
      }),
    ).rejects.toThrow(/invalid_client|7000215/);
  });

  test('connector refuses anonymous calls and records what botbuilder ConnectorClient sends', async () => {
    const conversationId = 'a:connector-check';
    const anonymous = await fetch(
      `${sandbox.urls.connector}v3/conversations/${encodeURIComponent(conversationId)}/activities`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'sneaky' }),
      },
    );
    expect(anonymous.status).toBe(401);

    const { identity } = await authenticated(conversationId);
    const client = await auth
      .createConnectorFactory(identity)
      .create(sandbox.urls.connector, sandbox.botFrameworkAuthConfig().ToChannelFromBotOAuthScope);
    const sent = await client.conversations.replyToActivity(conversationId, 'inbound-1', {
      type: 'message',
      text: 'Hello from the bot',
      conversation: { id: conversationId },
      replyToId: 'inbound-1',
    } as Activity);
    expect(sent.id).toMatch(/^\d+$/);
    const recorded = await sandbox.connector.waitFor((a) => a.text === 'Hello from the bot', 1000);
    expect(recorded).toMatchObject({
      id: sent.id,
      replyToId: 'inbound-1',
      conversation: { id: conversationId },
    });

    await client.conversations.updateActivity(conversationId, sent.id, {
      type: 'message',
      text: 'Updated in place',
      id: sent.id,
      conversation: { id: conversationId },
    } as Activity);
    expect(sandbox.connector.activities(conversationId).map((a) => a.text)).toEqual(['Updated in place']);

    sandbox.connector.setMembers(conversationId, ['29:adatum-nestor', '29:adatum-lidia', '29:adatum-diego']);
    const page1 = await client.conversations.getConversationPagedMembers(conversationId, {
      pageSize: 2,
      continuationToken: '',
    });
    expect(page1.members.map((m) => m.id)).toEqual(['29:adatum-nestor', '29:adatum-lidia']);
    const page2 = await client.conversations.getConversationPagedMembers(conversationId, {
      pageSize: 2,
      continuationToken: page1.continuationToken,
    });
    expect(page2.members.map((m) => m.id)).toEqual(['29:adatum-diego']);
    expect(page2.continuationToken).toBeUndefined();
    const member = await client.conversations.getConversationMember(conversationId, NESTOR.aadObjectId);
    expect(member).toMatchObject({
      id: NESTOR.id,
      userPrincipalName: 'nestor@adatum.example',
      aadObjectId: NESTOR.aadObjectId,
    });

    sandbox.connector.faults.push({ status: 429, retryAfterSeconds: 2, path: '/activities' });
    const throttled = await fetch(
      `${sandbox.urls.connector}v3/conversations/${encodeURIComponent(conversationId)}/activities`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await tokenFromLogin()}` },
        body: JSON.stringify({ type: 'message', text: 'too fast' }),
      },
    );
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('2');
  });

  async function tokenFromLogin(): Promise<string> {
    const result = await msalFor(sandbox).acquireTokenByClientCredential({
      scopes: ['https://api.botframework.com/.default'],
    });
    return result?.accessToken ?? '';
  }

  test("the SDK's UserTokenClientImpl signs a user in with a magic code, then out", async () => {
    const conversationId = 'a:sign-in-check';
    const { identity, activity } = await authenticated(conversationId);
    const client = await auth.createUserTokenClient(identity);
    expect(client).toBeInstanceOf(UserTokenClientImpl);

    const anonymous = await fetch(
      `${sandbox.urls.tokenService}/api/usertoken/GetToken?userId=x&connectionName=y&channelId=msteams`,
    );
    expect(anonymous.status).toBe(401);

    // A 404 from GetToken comes back as `undefined`, not as an error.
    expect(await client.getUserToken(NESTOR.id, CONNECTION, 'msteams', '')).toBeUndefined();
    const resource = await client.getSignInResource(CONNECTION, activity as Activity, '');
    const signInLink = resource.signInLink ?? '';
    expect(signInLink.startsWith(`${sandbox.urls.tokenService}/signin?`)).toBe(true);

    const code = await sandbox.tokenService.chooseAccount(signInLink, 'megan@contoso.com');
    expect(code).toMatch(/^\d{6}$/);

    // Teams' completion: an invoke to the bot, as the user, in the conversation, with a channel token botbuilder accepts.
    const invoke = fakeBot.received.find((r) => r.body.name === 'signin/verifyState');
    expect(invoke?.body).toMatchObject({
      type: 'invoke',
      value: { state: code },
      from: { id: NESTOR.id, aadObjectId: NESTOR.aadObjectId },
      conversation: { id: conversationId },
      serviceUrl: sandbox.urls.connector,
      channelId: 'msteams',
    });
    const invokeAuth = await auth.authenticateRequest(
      invoke?.body as Activity,
      String(invoke?.headers.authorization),
    );
    expect(invokeAuth.claimsIdentity.isAuthenticated).toBe(true);

    // Another user cannot redeem it.
    expect(await client.getUserToken('29:adatum-lidia', CONNECTION, 'msteams', code)).toBeFalsy();
    expect(await client.getUserToken(NESTOR.id, 'OtherConnection', 'msteams', code)).toBeFalsy();

    const redeemed = await client.getUserToken(NESTOR.id, CONNECTION, 'msteams', code);
    expect(redeemed).toMatchObject({ connectionName: CONNECTION, channelId: 'msteams' });
    const claims = jwt.decode(redeemed.token) as jwt.JwtPayload;
    expect(claims).toMatchObject({
      aud: 'https://graph.microsoft.com',
      tid: CONTOSO_ID,
      upn: 'megan@contoso.com',
      preferred_username: 'megan@contoso.com',
      name: 'Megan Bowen',
      scp: 'User.Read openid profile email',
      iss: `${sandbox.urls.login}/${CONTOSO_ID}/v2.0`,
    });
    // Once only.
    expect(await client.getUserToken(NESTOR.id, CONNECTION, 'msteams', code)).toBeFalsy();

    expect((await client.getUserToken(NESTOR.id, CONNECTION, 'msteams', '')).token).toBe(redeemed.token);
    const status = await client.getTokenStatus(NESTOR.id, 'msteams', '');
    expect(status).toEqual([expect.objectContaining({ connectionName: CONNECTION, hasToken: true })]);

    await client.signOutUser(NESTOR.id, CONNECTION, 'msteams');
    expect(await client.getUserToken(NESTOR.id, CONNECTION, 'msteams', '')).toBeFalsy();
    const raw = await fetch(
      `${sandbox.urls.tokenService}/api/usertoken/GetToken?userId=${encodeURIComponent(NESTOR.id)}&connectionName=${CONNECTION}&channelId=msteams`,
      { headers: { Authorization: `Bearer ${await tokenFromLogin()}` } },
    );
    expect(raw.status).toBe(404);

    // No token-exchange URL on the connection: exchange fails. The SDK does not throw on that 400: it resolves
    // with the error body, so the caller must look for `token` (and answer Teams' tokenExchange invoke with 412).
    const exchanged = await client.exchangeToken(NESTOR.id, CONNECTION, 'msteams', { token: redeemed.token });
    expect(exchanged?.token).toBeUndefined();
  });

  test('Graph: organization, paging memberOf to the global admin role, retrying a 429', async () => {
    const token = await signIn(sandbox, 'megan@contoso.com');
    const client = graphClient(sandbox, token);

    const org = (await client.api('/organization').get()) as {
      value: { id: string; displayName: string; verifiedDomains: { name: string; isDefault: boolean }[] }[];
    };
    expect(org.value[0]).toMatchObject({ id: CONTOSO_ID, displayName: 'Contoso Ltd' });
    expect(org.value[0].verifiedDomains.find((d) => d.isDefault)?.name).toBe('contoso.com');

    const first = (await client.api('/me/memberOf').get()) as {
      value: unknown[];
      '@odata.nextLink'?: string;
    };
    expect(first.value).toHaveLength(100);
    expect(first['@odata.nextLink']).toMatch(
      new RegExp(`^${sandbox.urls.graph}/v1.0/me/memberOf\\?.*\\$skiptoken=`),
    );

    let roles: { roleTemplateId?: string; displayName?: string }[] = [];
    let seen = 0;
    const iterator = new PageIterator(
      client,
      first as never,
      (item: { '@odata.type': string; roleTemplateId?: string }) => {
        seen += 1;
        if (item['@odata.type'] === '#microsoft.graph.directoryRole') roles.push(item);
        return true;
      },
    );
    await iterator.iterate();
    expect(iterator.isComplete()).toBe(true);
    expect(seen).toBe(131);
    expect(roles).toEqual([
      expect.objectContaining({
        displayName: 'Global Administrator',
        roleTemplateId: GLOBAL_ADMIN_ROLE_TEMPLATE_ID,
      }),
    ]);

    // An ordinary user: no role, however far one pages (here with $top).
    roles = [];
    const alex = graphClient(sandbox, await signIn(sandbox, 'alex@contoso.com'));
    let page = (await alex.api('/me/memberOf').top(50).get()) as {
      value: { '@odata.type': string }[];
      '@odata.nextLink'?: string;
    };
    let count = page.value.length;
    while (page['@odata.nextLink']) {
      page = (await alex.api(page['@odata.nextLink']).get()) as typeof page;
      count += page.value.length;
      expect(page.value.every((o) => o['@odata.type'] === '#microsoft.graph.group')).toBe(true);
    }
    expect(count).toBe(130);

    sandbox.graph.faults.push({ path: '/organization', status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    const retried = (await client.api('/organization').get()) as { value: { id: string }[] };
    expect(retried.value[0].id).toBe(CONTOSO_ID);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(sandbox.graph.faults).toHaveLength(0);
  });

  test('Graph rejects bad tokens with its error shape, and has no organization for a personal account', async () => {
    const agent = new https.Agent({ ca: sandbox.caCertPem });
    const get = (
      path: string,
      token: string,
    ): Promise<{ status: number; body: { error?: { code: string; innerError: object } } }> =>
      new Promise((resolve, reject) => {
        https
          .get(
            `${sandbox.urls.graph}${path}`,
            { agent, headers: { Authorization: `Bearer ${token}` } },
            (res) => {
              let text = '';
              res.on('data', (c: Buffer) => (text += c.toString()));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as never }));
            },
          )
          .on('error', reject);
      });
    const rejected = await get('/v1.0/me', sandbox.mintChannelToken({ appId: APP_ID, serviceUrl: 'x' }));
    expect(rejected.status).toBe(401);
    expect(rejected.body.error).toMatchObject({
      code: 'InvalidAuthenticationToken',
      innerError: { 'request-id': expect.any(String) },
    });

    const pat = await signIn(sandbox, 'pat.kim@outlook.com');
    expect((jwt.decode(pat) as jwt.JwtPayload).tid).toBe(CONSUMER_TENANT_ID);
    expect((await get('/v1.0/me', pat)).status).toBe(200);
    const organization = await get('/v1.0/organization', pat);
    expect(organization.status).toBe(500);
  });

  test("the Graph client's fetchOptions.agent does not make it trust the CA (undici ignores agent)", async () => {
    const token = await signIn(sandbox, 'alex@contoso.com');
    const client = Client.initWithMiddleware({
      authProvider: { getAccessToken: async () => token },
      baseUrl: sandbox.urls.graph,
      customHosts: new Set(['localhost']),
      fetchOptions: { agent: new https.Agent({ ca: sandbox.caCertPem }) } as never,
    });
    const failure = (await client
      .api('/me')
      .get()
      .catch((err: unknown) => err)) as { statusCode?: number; body?: unknown };
    // GraphError with statusCode -1 and an empty message: the TLS failure ("fetch failed", self-signed chain) is swallowed.
    expect(failure).toMatchObject({ statusCode: -1 });
  });

  /** Sign-in through the token service as the bot would, returning the user's Graph token. */
  async function signIn(sb: Sandbox, upn: string): Promise<string> {
    const userId = `29:test-${upn}`;
    const appToken = await tokenFromLogin();
    const state = Buffer.from(
      JSON.stringify({
        connectionName: CONNECTION,
        conversation: {
          user: { id: userId },
          channelId: 'msteams',
          conversation: { id: `a:${upn}` },
          serviceUrl: sb.urls.connector,
        },
        msAppId: APP_ID,
      }),
    ).toString('base64');
    const headers = { Authorization: `Bearer ${appToken}` };
    const resource = (await (
      await fetch(
        `${sb.urls.tokenService}/api/botsignin/GetSignInResource?state=${encodeURIComponent(state)}`,
        { headers },
      )
    ).json()) as {
      signInLink: string;
    };
    const code = await sb.tokenService.chooseAccount(resource.signInLink, upn);
    const query = new URLSearchParams({ userId, connectionName: CONNECTION, channelId: 'msteams', code });
    const response = await fetch(`${sb.urls.tokenService}/api/usertoken/GetToken?${query}`, { headers });
    return ((await response.json()) as { token: string }).token;
  }
});

describe('sandbox, local mode (anonymous)', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox();
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  test('connector and token service accept anonymous calls; the sign-in page lists every demo account', async () => {
    const conversationId = 'a:local';
    const posted = await fetch(
      `${sandbox.urls.connector}v3/conversations/${encodeURIComponent(conversationId)}/activities`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'hi', conversation: { id: conversationId } }),
      },
    );
    expect(posted.status).toBe(201);
    const { id } = (await posted.json()) as { id: string };
    expect(sandbox.connector.activities(conversationId)).toEqual([
      expect.objectContaining({ id, text: 'hi' }),
    ]);

    const created = await fetch(`${sandbox.urls.connector}v3/conversations`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        isGroup: false,
        bot: { id: '28:bot' },
        members: [{ id: '29:adatum-lidia' }],
        tenantId: sandbox.directory.teams.tenantId,
        activity: { type: 'message', text: 'proactive hello' },
      }),
    });
    const conversation = (await created.json()) as { id: string; activityId: string };
    expect(conversation.id).toMatch(/^a:/);
    expect(sandbox.connector.activities(conversation.id)).toEqual([
      expect.objectContaining({ id: conversation.activityId, text: 'proactive hello' }),
    ]);
    expect(sandbox.connector.members(conversation.id).map((m) => m.id)).toEqual(['29:adatum-lidia']);

    const state = Buffer.from(
      JSON.stringify({
        connectionName: CONNECTION,
        conversation: {
          user: { id: '29:adatum-joni' },
          channelId: 'msteams',
          conversation: { id: 'a:joni' },
        },
      }),
    ).toString('base64');
    const resource = (await (
      await fetch(
        `${sandbox.urls.tokenService}/api/botsignin/GetSignInResource?state=${encodeURIComponent(state)}`,
      )
    ).json()) as {
      signInLink: string;
    };
    const page = await (await fetch(resource.signInLink)).text();
    const users = sandbox.directory.tenants.flatMap((t) => t.users);
    const listed = [...users.filter((u) => u.listed !== false), ...sandbox.directory.personalAccounts];
    for (const { userPrincipalName } of listed) expect(page).toContain(userPrincipalName);
    // Generated staff are in the directory for searches, not on the page of accounts to sign in with.
    const staff = users.filter((u) => u.listed === false);
    expect(staff.length).toBeGreaterThan(100);
    for (const { userPrincipalName } of staff) expect(page).not.toContain(userPrincipalName);

    const code = await sandbox.tokenService.chooseAccount(resource.signInLink, 'adele@fabrikam.com');
    // The link is spent once used.
    expect((await fetch(resource.signInLink)).status).toBe(404);
    const query = new URLSearchParams({
      userId: '29:adatum-joni',
      connectionName: CONNECTION,
      channelId: 'msteams',
      code,
    });
    const token = (await (
      await fetch(`${sandbox.urls.tokenService}/api/usertoken/GetToken?${query}`)
    ).json()) as { token: string };
    expect((jwt.decode(token.token) as jwt.JwtPayload).tid).toBe('fab1fab1-2222-4e3f-8a00-fabfabfabfab');
  });

  test("ca.pem is written and, via NODE_EXTRA_CA_CERTS, trusted by a new process's global fetch", async () => {
    expect(readFileSync(sandbox.caCertPath, 'utf8')).toBe(sandbox.caCertPem);
    const script = `fetch(${JSON.stringify(`${sandbox.urls.graph}/v1.0/me`)}).then((r) => console.log(r.status), (e) => console.log(e.cause?.code ?? e.message))`;
    const run = (env: NodeJS.ProcessEnv): Promise<string> =>
      new Promise((resolve, reject) =>
        execFile(process.execPath, ['-e', script], { env }, (err, stdout) =>
          err ? reject(err) : resolve(stdout.trim()),
        ),
      );
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    expect(await run({ ...env, NODE_EXTRA_CA_CERTS: sandbox.caCertPath })).toBe('401');
    expect(await run(env)).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|unable to verify/i);
  });

  test('a magic code expires', async () => {
    const shortLived = await startSandbox({ magicCodeTtlMs: 50 });
    try {
      const state = Buffer.from(
        JSON.stringify({
          connectionName: CONNECTION,
          conversation: { user: { id: 'u-1' }, channelId: 'msteams', conversation: { id: 'a:1' } },
        }),
      ).toString('base64');
      const resource = (await (
        await fetch(
          `${shortLived.urls.tokenService}/api/botsignin/GetSignInResource?state=${encodeURIComponent(state)}`,
        )
      ).json()) as { signInLink: string };
      const code = await shortLived.tokenService.chooseAccount(resource.signInLink, 'grady@fabrikam.com');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const query = new URLSearchParams({
        userId: 'u-1',
        connectionName: CONNECTION,
        channelId: 'msteams',
        code,
      });
      expect((await fetch(`${shortLived.urls.tokenService}/api/usertoken/GetToken?${query}`)).status).toBe(
        404,
      );
    } finally {
      await shortLived.close();
    }
  });
});
