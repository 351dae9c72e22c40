import { BOT_FRAMEWORK_ENDPOINT_KEYS, ConfigError, loadConfig } from '../../bot/config';

const BOT_ID = '11111111-2222-4333-8444-555555555555';
const TENANT = '66666666-7777-4888-8999-000000000000';

describe('configuration', () => {
  it('local mode, which authenticates nobody, listens on loopback only', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '::1' }).host).toBe('::1');
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/HOST must be loopback .* in local mode/);
    expect(() => loadConfig({ HOST: '10.1.2.3' })).toThrow(/set BOT_ID to serve "10.1.2.3"/);
  });

  it('runs in local mode with no environment at all', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ localMode: true, host: '127.0.0.1', port: 3978, bot: { id: '' } });
    expect(config.redis.url).toBeUndefined();
  });

  it('production needs its password, tenant, connection and account, and names what is missing', () => {
    expect(() => loadConfig({ BOT_ID })).toThrow(/BOT_PASSWORD is required/);
    expect(() => loadConfig({ BOT_ID, BOT_PASSWORD: 'x' })).toThrow(/BOT_TENANT_ID/);
    const config = loadConfig({
      BOT_ID,
      BOT_PASSWORD: 'secret',
      BOT_TENANT_ID: TENANT,
      OAUTH_CONNECTION_NAME: 'TenantSignIn',
      ACCOUNT_ID: 'acct',
      REDIS_URL: 'redis://cache:6380',
    });
    expect(config).toMatchObject({
      localMode: false,
      host: '0.0.0.0',
      bot: { id: BOT_ID, password: 'secret', tenantId: TENANT, type: 'SingleTenant' },
      redis: { url: 'redis://cache:6380' },
    });
  });

  it('rejects bad values with the variable named', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(
      new ConfigError('PORT', 'must be a whole number from 0 to 65535, got "eighty"'),
    );
    expect(() => loadConfig({ BOT_ID: 'not-a-guid' })).toThrow(/BOT_ID must be a GUID/);
    expect(() => loadConfig({ REDIS_URL: 'not a url' })).toThrow(/REDIS_URL must be a URL/);
    expect(() => loadConfig({ BOT_TYPE: 'Shared' })).toThrow(/BOT_TYPE must be one of/);
    expect(() => loadConfig({ BOOTSTRAP_MANAGERS: 'nestor@adatum.example' })).toThrow(/BOOTSTRAP_MANAGERS/);
    expect(() => loadConfig({ ATTEMPTS_PER_MINUTE: '0' })).toThrow(
      /ATTEMPTS_PER_MINUTE must be a whole number/,
    );
  });

  it('each person may start 10 sign-ins and run 10 searches a minute unless ATTEMPTS_PER_MINUTE says otherwise', () => {
    expect(loadConfig({}).attemptsPerMinute).toBe(10);
    expect(loadConfig({ ATTEMPTS_PER_MINUTE: '30' }).attemptsPerMinute).toBe(30);
  });

  it('REDIS_CLUSTER=true makes REDIS_URL one node of a Redis Cluster, whose only database is 0', () => {
    expect(loadConfig({ REDIS_URL: 'rediss://:key@cache:6380', REDIS_CLUSTER: 'true' }).redis).toEqual({
      url: 'rediss://:key@cache:6380',
      cluster: true,
      keyPrefix: 'pcta',
    });
    expect(loadConfig({ REDIS_URL: 'redis://cache:6380' }).redis.cluster).toBe(false);
    expect(() => loadConfig({ REDIS_CLUSTER: 'true' })).toThrow(/REDIS_URL is required with REDIS_CLUSTER/);
    expect(() => loadConfig({ REDIS_URL: 'redis://cache:6380/2', REDIS_CLUSTER: 'true' })).toThrow(
      /only database 0/,
    );
    expect(() => loadConfig({ REDIS_URL: 'redis://cache', REDIS_CLUSTER: 'yes' })).toThrow(
      /REDIS_CLUSTER must be one of true, false/,
    );
  });

  it('passes the botbuilder endpoint keys through unchanged, but only all of them', () => {
    const all = Object.fromEntries(BOT_FRAMEWORK_ENDPOINT_KEYS.map((k) => [k, `value-of-${k}`]));
    expect(loadConfig(all).botFrameworkEndpoints).toEqual(all);
    expect(() => loadConfig({ OAuthUrl: 'http://localhost:1' })).toThrow(
      /ToBotFromChannelOpenIdMetadataUrl.*must be set too/,
    );
  });

  it('reads bootstrap Managers as tenantId/objectId pairs', () => {
    const config = loadConfig({
      BOOTSTRAP_MANAGERS: `${TENANT}/${BOT_ID}, ${TENANT.toUpperCase()}/${TENANT}`,
    });
    expect(config.bootstrapManagers).toEqual([
      { tenantId: TENANT, objectId: BOT_ID },
      { tenantId: TENANT, objectId: TENANT },
    ]);
  });
});
