import https from 'node:https';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  type Sandbox,
  SSO_SCOPE,
  startSandbox,
  TEAMS_DESKTOP_CLIENT_ID,
  type TeamsUser,
} from '../../sandbox';
import { get } from '../support/entraAccountPicker';

const CONTOSO_ID = 'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0';

describe('Teams SSO tokens (mintSsoToken), checked as a tab API would check them', () => {
  let sandbox: Sandbox;
  let nestor: TeamsUser;
  let audience: string;
  let keys: ReturnType<typeof createRemoteJWKSet>;

  beforeAll(async () => {
    sandbox = await startSandbox();
    nestor = sandbox.directory.teams.users[0];
    audience = `api://localhost:3978/${sandbox.tabApp.clientId}`;
    keys = createRemoteJWKSet(new URL(`${sandbox.urls.login}/common/discovery/v2.0/keys`), {
      agent: new https.Agent({ ca: sandbox.caCertPem }),
    });
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  const verify = (token: string, issuerTenant = sandbox.directory.teams.tenantId) =>
    jwtVerify(token, keys, {
      algorithms: ['RS256'],
      issuer: `${sandbox.urls.login}/${issuerTenant}/v2.0`,
      audience,
    });

  test('a v2.0 token of the Teams tenant for the tab app, verified against the published key set', async () => {
    const token = sandbox.mintSsoToken({ user: nestor, audience });
    const { payload, protectedHeader } = await verify(token);
    expect(payload).toMatchObject({
      aud: audience,
      tid: sandbox.directory.teams.tenantId,
      oid: nestor.objectId,
      name: 'Nestor Wilke',
      preferred_username: 'nestor@adatum.example',
      scp: SSO_SCOPE,
      azp: TEAMS_DESKTOP_CLIENT_ID,
      ver: '2.0',
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
    expect(payload.nbf).toBe(payload.iat);
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
    expect(protectedHeader.x5t).toBe(protectedHeader.kid);
  });

  test('every authority publishes the same key set, and the Teams tenant the issuer the tokens carry', async () => {
    const keySet = async (tenant: string) =>
      JSON.parse(
        (await get(`${sandbox.urls.login}/${tenant}/discovery/v2.0/keys`, sandbox.caCertPem)).body,
      ) as object;
    const common = await keySet('common');
    for (const tenant of ['organizations', sandbox.directory.teams.tenantId, CONTOSO_ID]) {
      expect(await keySet(tenant)).toEqual(common);
    }
    const metadata = JSON.parse(
      (
        await get(
          `${sandbox.urls.login}/${sandbox.directory.teams.tenantId}/v2.0/.well-known/openid-configuration`,
          sandbox.caCertPem,
        )
      ).body,
    ) as { issuer: string; jwks_uri: string };
    expect(metadata.issuer).toBe(`${sandbox.urls.login}/${sandbox.directory.teams.tenantId}/v2.0`);
    const { payload } = await verify(sandbox.mintSsoToken({ user: nestor, audience }));
    expect(payload.iss).toBe(metadata.issuer);
  });

  test('overrides add, replace and remove claims; another tenant moves the issuer with it', async () => {
    const other = sandbox.mintSsoToken({ user: nestor, audience, overrides: { tid: CONTOSO_ID } });
    expect((await verify(other, CONTOSO_ID)).payload).toMatchObject({ tid: CONTOSO_ID });
    await expect(verify(other)).rejects.toThrow(/iss/);

    const noScope = sandbox.mintSsoToken({
      user: nestor,
      audience,
      overrides: { scp: undefined, extra: 'x' },
    });
    const { payload } = await verify(noScope);
    expect(payload.scp).toBeUndefined();
    expect(payload.extra).toBe('x');

    const now = Math.floor(Date.now() / 1000);
    const expired = sandbox.mintSsoToken({
      user: nestor,
      audience,
      overrides: { iat: now - 7200, nbf: now - 7200, exp: now - 3600 },
    });
    await expect(verify(expired)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    await expect(
      verify(sandbox.mintSsoToken({ user: nestor, audience: 'api://elsewhere/x' })),
    ).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
    });
  });

  test('a token signed by a key outside the key set, or naming an unknown kid, does not verify', async () => {
    const forged = sandbox.mintSsoToken({ user: nestor, audience, signWith: 'unknownKey' });
    expect(decodeProtectedHeader(forged).kid).not.toBe(
      decodeProtectedHeader(sandbox.mintSsoToken({ user: nestor, audience })).kid,
    );
    await expect(verify(forged)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    const renamed = sandbox.mintSsoToken({ user: nestor, audience, header: { kid: 'not-a-published-key' } });
    await expect(verify(renamed)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });
});
