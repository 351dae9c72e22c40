import type { Redis } from 'ioredis';
import { connectRedis } from '../../bot/redis/connection';
import type { IssuedSecret, IssuedSecretKind, RecordedActivity } from '../../sandbox';
import { answerOf, signInWithPicker } from '../support/entraAccountPicker';
import { signInToManage } from '../support/flows';
import { signInResultOf, TabClient } from '../support/tabClient';
import { captureLog, type CapturedLog } from '../support/testLog';
import { cardOf, oauthLink, visibleText, type Delivery } from '../support/teamsChannel';
import { startWorld, type World } from '../support/world';

/** Somewhere the bot wrote or answered something: a Redis key, its log, a card, an HTTP answer. */
interface Source {
  where: string;
  /** For a Redis key: the moment of the run it was read at (each key is read at several). */
  when?: string;
  text: string;
}

interface Secret {
  kind: IssuedSecretKind;
  /** `kind #n`: names the secret in a failure without showing it. */
  label: string;
  value: string;
}

/**
 * Every kind of secret the sandbox hands out in these flows. Refresh tokens are not among them: neither the
 * sandbox's Entra ID nor its token service issues one. Nor are the pop-up's OAuth `state` and `nonce`: the state
 * names the sign-in's session, and is its Redis key while the pop-up is open.
 */
const KINDS: IssuedSecretKind[] = [
  'channelToken',
  'appToken',
  'userToken',
  'idToken',
  'ssoToken',
  'magicCode',
  'authCode',
  'pkceVerifier',
  'clientSecret',
];

/** Shorter secrets (the 6-digit magic codes) are looked for as whole tokens only, see `occurrence`. */
const SHORT = 12;
// A letter, digit, `_` or `-` next to a short secret makes it part of a longer word: an id, a base64url blob.
const WORD = '[A-Za-z0-9_-]';

/** Where a short secret stands as a whole token of its own. */
function wholeToken(secret: string, flags = ''): RegExp {
  const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Nor is it one when it is the digits of a decimal number (a duration 12.123456 ms, a score 0.123456).
  return new RegExp(`(?<!${WORD})(?<!\\d\\.)${escaped}(?!${WORD})(?!\\.\\d)`, flags);
}

/** Where `secret` occurs in `text`, or -1. */
function occurrence(text: string, secret: string): number {
  if (secret.length >= SHORT) return text.indexOf(secret);
  return wholeToken(secret).exec(text)?.index ?? -1;
}

/** `text` with every secret (and any other JWT) in it replaced by its label: what a failure may show. */
function masked(text: string, secrets: Secret[]): string {
  let out = text;
  for (const secret of secrets) {
    out =
      secret.value.length >= SHORT
        ? out.split(secret.value).join(`[${secret.label}]`)
        : out.replace(wholeToken(secret.value, 'g'), `[${secret.label}]`);
  }
  return out.replace(/eyJ[\w-]*\.[\w-]*(\.[\w-]*)?/g, '[a JWT]');
}

/** What a failure says of a secret: its kind, number and length, and nothing of its value. */
function described(secret: Secret): string {
  return `${secret.label} (${secret.value.length} characters)`;
}

/** The text around a finding, every secret in it masked before it is cut (so none shows even in part). */
function around(text: string, secret: Secret, secrets: Secret[]): string {
  const all = masked(text, secrets);
  const at = Math.max(0, all.indexOf(`[${secret.label}]`));
  return all.slice(Math.max(0, at - 40), at + secret.label.length + 42);
}

/** Each secret found in a source, said without the secret (nor any other: the source's name may hold one). */
function leaksIn(sources: Source[], secrets: Secret[]): string[] {
  // One line per secret and place, with every moment it was seen there.
  const found = new Map<string, string[]>();
  for (const secret of secrets) {
    for (const source of sources) {
      const at = occurrence(source.text, secret.value);
      if (at < 0) continue;
      const where = masked(source.where, secrets);
      const line = `${described(secret)} in ${where}, at ${at}: …${around(source.text, secret, secrets)}…`;
      found.set(line, [...(found.get(line) ?? []), ...(source.when ? [source.when] : [])]);
    }
  }
  const lines = [...found].map(([line, whens]) => (whens.length ? `${line} (${whens.join('; ')})` : line));
  // A JWT the sandbox did not record (one re-signed, or passed on) is no better.
  for (const source of sources) {
    const jwt = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}/.exec(source.text);
    if (jwt) lines.push(`a JWT-shaped string in ${masked(source.where, secrets)}, at ${jwt.index}`);
  }
  return [...new Set(lines)];
}

/** Every key of the world's prefix (its own keys and BullMQ's `{prefix:bull}` ones), read by its type. */
async function redisSources(redis: Redis, prefix: string, when: string): Promise<Source[]> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) keys.add(key);
  } while (cursor !== '0');
  const sources: Source[] = [];
  for (const key of [...keys].sort()) {
    const type = await redis.type(key);
    let value: unknown;
    switch (type) {
      case 'string':
        value = await redis.get(key);
        break;
      case 'hash':
        value = await redis.hgetall(key);
        break;
      case 'list':
        value = await redis.lrange(key, 0, -1);
        break;
      case 'set':
        value = await redis.smembers(key);
        break;
      case 'zset':
        value = await redis.zrange(key, 0, -1, 'WITHSCORES');
        break;
      case 'stream':
        value = await redis.xrange(key, '-', '+');
        break;
      case 'none':
        // Expired or deleted between SCAN and TYPE.
        continue;
      default:
        throw new Error(`Redis key ${key} has a type this test does not read: ${type}`);
    }
    sources.push({ where: `Redis ${type} ${key}`, when, text: `${key}\n${JSON.stringify(value)}` });
  }
  return sources;
}

const CONTOSO = 'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0';

describe('the scan for secrets', () => {
  test('the scanner finds a secret wherever it is, and a 6-digit code only as a whole token', () => {
    const code: Secret = { kind: 'magicCode', label: 'magicCode #1', value: '123456' };
    const token: Secret = { kind: 'userToken', label: 'userToken #1', value: 'eyJhbGciOi.eyJzdWIiOiJ4.c2ln' };
    const found = (text: string, secret: Secret) => leaksIn([{ where: 'here', text }], [secret]);
    for (const text of ['123456', 'code 123456.', '{"text":"123456"}', '?code=123456&', 'code: 123456\n'])
      expect(found(text, code)).toHaveLength(1);
    for (const text of [
      '1234567',
      'x123456',
      '19:group-123456abc',
      '"durationMs":3.123456',
      '0123456',
      'ab_123456',
    ])
      expect(found(text, code)).toEqual([]);
    const [leak] = found(`{"token":"${token.value}"}`, token);
    expect(leak).toContain('userToken #1 (28 characters) in here');
    expect(leak).not.toContain(token.value);
    expect(found('no secret here', code)).toEqual([]);
  });
});

describe('secrets never leak (real server, sandbox Entra ID, token service and connector, Redis)', () => {
  let world: World;
  let captured: CapturedLog;
  let redis: Redis;
  let tab: TabClient;
  const deliveries: { where: string; delivery: Delivery }[] = [];
  const tabAnswers: Source[] = [];
  const redisSeen: Source[] = [];
  // What the test itself was handed: each must be among what the sandbox recorded.
  const seenCodes: string[] = [];
  const seenAuthCodes: string[] = [];

  beforeAll(async () => {
    captured = captureLog('debug');
    world = await startWorld({ tab: true, log: captured.log });
    redis = await connectRedis(process.env.REDIS_URL as string);
    tab = new TabClient(world);
    // Every answer of the bot to Teams over HTTP (an invoke's card, a refresh) is something it sent too.
    const post = world.teams.post.bind(world.teams);
    world.teams.post = async (activity, authorization) => {
      const delivery = await post(activity, authorization);
      deliveries.push({
        where: `the bot's answer to ${String(activity.type)} ${String(activity.id)}`,
        delivery,
      });
      return delivery;
    };
  });
  afterAll(async () => {
    await world?.close();
    if (redis && world) {
      const keys = await redis.keys(`*${world.keyPrefix}*`);
      if (keys.length) await redis.del(...keys);
    }
    await redis?.quit();
  });

  const checkpoint = async (when: string) => {
    redisSeen.push(...(await redisSources(redis, world.keyPrefix, when)));
  };

  async function tabCall(method: string, path: string, body?: unknown, as = 'Nestor Wilke') {
    const response = await fetch(tab.url(path), {
      method,
      headers: {
        authorization: `Bearer ${tab.ssoToken(as)}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    tabAnswers.push({
      where: `the tab's answer to ${method} ${path} (${response.status})`,
      text: `${JSON.stringify([...response.headers])}\n${text}`,
    });
    return { status: response.status, text, json: <T = Record<string, unknown>>() => JSON.parse(text) as T };
  }

  /** The pop-up: Entra ID's picker as `upn`, then its form post to the tab's callback; the page's outcome. */
  async function popUp(url: string, upn: string): Promise<Record<string, unknown>> {
    const answer = answerOf(await signInWithPicker(url, upn, world.sandbox.caCertPem));
    expect(answer.code).toBeTruthy();
    seenAuthCodes.push(answer.code!);
    const response = await fetch(tab.url('/tab/auth/callback'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(answer).toString(),
    });
    const html = await response.text();
    tabAnswers.push({
      where: `the tab's answer to POST /tab/auth/callback (${response.status})`,
      text: `${JSON.stringify([...response.headers])}\n${html}`,
    });
    return signInResultOf(html);
  }

  /** Signs in on the token service's page as `upn` and returns the code shown. */
  async function magicCodeFor(prompt: RecordedActivity | undefined, upn: string): Promise<string> {
    const link = oauthLink(prompt);
    if (!link) throw new Error(`Expected a sign-in card, got ${JSON.stringify(prompt)}`);
    const code = await world.sandbox.tokenService.chooseAccount(link, upn);
    seenCodes.push(code);
    return code;
  }

  test('associating in a personal chat, approving in a group chat, the tab, and managing users leave no secret anywhere', async () => {
    const nestor = world.teams.user('Nestor Wilke');
    const lidia = world.teams.user('Lidia Holloway');
    const diego = world.teams.user('Diego Siciliani');
    const nestorChat = world.teams.personalChat(nestor);
    await world.teams.post(
      world.teams.activity(nestor, nestorChat, { type: 'installationUpdate', action: 'add' }),
    );

    // 1. The personal flow: sign-in, the code, the review card, Confirm.
    const [prompt] = await world.teams.say(nestor, nestorChat, 'associate tenant');
    const code = await magicCodeFor(prompt, 'megan@contoso.com');
    const [review] = await world.teams.say(nestor, nestorChat, code);
    expect(visibleText(review)).toContain('Contoso Ltd');
    await checkpoint('Contoso under review');
    const confirmed = await world.teams.press(nestor, nestorChat, review!, 'confirm');
    expect(confirmed.status).toBe(200);
    await checkpoint('Contoso associated');

    // 2. A group approval: Diego asks in a group chat, Lidia (a Manager) approves.
    const group = world.teams.groupChat([diego, nestor, lidia]);
    const [groupPrompt] = await world.teams.say(diego, group, 'associate tenant');
    const groupCode = await magicCodeFor(groupPrompt, 'adele@fabrikam.com');
    const requestCard = (await world.teams.say(diego, group, groupCode)).find((a) => cardOf(a));
    const requestId = (cardOf(requestCard) as { refresh?: { action: { data: { requestId: string } } } })
      .refresh?.action.data.requestId;
    expect(requestId).toBeTruthy();
    await checkpoint('Fabrikam waiting for approval');
    const approved = await world.teams.execute(lidia, group, requestCard!.id, 'approve', { requestId });
    expect(JSON.stringify(approved.body)).toContain('Approved by Lidia Holloway');
    await checkpoint('Fabrikam approved');

    // 3. The tab: an SSO token, Entra ID's pop-up with PKCE, the callback, the review, Confirm.
    expect((await tabCall('GET', '/tab/api/overview')).status).toBe(200);
    const started = await tabCall('POST', '/tab/api/sign-ins', {});
    expect(started.status).toBe(200);
    const signedIn = await popUp(started.json<{ url: string }>().url, 'pradeep@northwindtraders.com');
    expect(signedIn).toEqual({ ok: true, requestId: expect.any(String) });
    const tabReview = await tabCall('GET', `/tab/api/requests/${String(signedIn.requestId)}`);
    expect(tabReview.text).toContain('Northwind Traders');
    await checkpoint('Northwind under review in the tab');
    const tabConfirmed = await tabCall('POST', `/tab/api/requests/${String(signedIn.requestId)}/confirm`);
    expect(tabConfirmed.json()).toMatchObject({ state: 'completed' });
    await checkpoint('Northwind associated from the tab');

    // 4. Users in Teams: sign in to Contoso as its Manager, search, add two people, change one, remove one.
    const objectIdOf = (upn: string) => tab.directoryUser(upn).objectId;
    const [patti, lee, alex] = ['patti@contoso.com', 'lee@contoso.com', 'alex@contoso.com'].map(objectIdOf);
    const search = await signInToManage(world, nestor, nestorChat, CONTOSO, 'megan@contoso.com');
    await checkpoint('signed in to manage Contoso in Teams');
    const found = await world.teams.submit(nestor, nestorChat, search, 'users.search', {
      inputs: { query: 'contoso' },
    });
    expect(visibleText(found.card)).toContain('Patti Fernandez');
    const added = await world.teams.submit(nestor, nestorChat, found.card!, 'users.add', {
      inputs: { users: `${patti},${lee}`, roles: 'Developer' },
    });
    expect(visibleText(added.card)).toContain('Added Patti Fernandez and Lee Gu as Developer');
    await checkpoint('Patti and Lee added in Teams');
    const [users] = await world.teams.say(nestor, nestorChat, 'users');
    const changed = await world.teams.submit(nestor, nestorChat, users!, 'users.setRoles', {
      inputs: { user: `${CONTOSO}/${patti}`, roles: 'Developer,Marketer' },
    });
    expect(visibleText(changed.card)).toContain('Patti Fernandez now has the roles');
    const removed = await world.teams.submit(nestor, nestorChat, changed.card!, 'users.remove', {
      inputs: { user: `${CONTOSO}/${lee}` },
    });
    expect(visibleText(removed.card)).toContain('Lee Gu is no longer a user of the account.');
    await checkpoint('Patti changed, Lee removed in Teams');
    await world.teams.submit(nestor, nestorChat, added.card!, 'users.done');

    // ... and in the tab: its own pop-up to Contoso, the search it runs, an addition and a role change.
    const manageStarted = await tabCall('POST', '/tab/api/users/sign-ins', {
      tenantId: CONTOSO,
      query: 'alex',
    });
    expect(manageStarted.status).toBe(200);
    expect(await popUp(manageStarted.json<{ url: string }>().url, 'megan@contoso.com')).toEqual({
      ok: true,
      managing: CONTOSO,
    });
    expect((await tabCall('GET', '/tab/api/users')).text).toContain('Alex Wilber');
    await checkpoint('signed in to manage Contoso in the tab');
    const tabAdded = await tabCall('POST', '/tab/api/users', {
      tenantId: CONTOSO,
      users: [alex],
      roles: ['Developer'],
    });
    expect(tabAdded.status).toBe(200);
    expect(
      (await tabCall('PUT', `/tab/api/users/${CONTOSO}/${alex}/roles`, { roles: ['Marketer'] })).status,
    ).toBe(200);
    expect((await tabCall('GET', '/tab/api/history')).status).toBe(200);
    expect((await tabCall('GET', '/tab/api/history.csv')).status).toBe(200);
    await settled(world);
    await checkpoint('the end');

    // Every secret issued meanwhile, and the apps' own.
    const issued: IssuedSecret[] = world.sandbox.issuedSecrets();
    const envSecrets = Object.entries(world.env).filter(([name]) => /PASSWORD|SECRET/i.test(name));
    expect(envSecrets.map(([name]) => name).sort()).toEqual(['AAD_APP_CLIENT_SECRET', 'BOT_PASSWORD']);
    const values = new Map<string, IssuedSecretKind>();
    for (const [, value] of envSecrets) values.set(value, 'clientSecret');
    for (const { kind, value } of issued) if (!values.has(value)) values.set(value, kind);
    const counts = new Map<IssuedSecretKind, number>();
    const secrets: Secret[] = [...values].map(([value, kind]) => {
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
      return { kind, value, label: `${kind} #${counts.get(kind)}` };
    });
    // The test can fail: every kind was issued, and what the test was handed is among them.
    expect(KINDS.filter((kind) => !counts.get(kind))).toEqual([]);
    expect(counts.get('magicCode')).toBeGreaterThanOrEqual(3);
    expect(counts.get('authCode')).toBeGreaterThanOrEqual(2);
    expect(counts.get('pkceVerifier')).toBeGreaterThanOrEqual(2);
    for (const seen of [...seenCodes, ...seenAuthCodes]) expect(values.has(seen)).toBe(true);

    // Everything the bot kept, logged, sent and answered.
    const logs = captured.text();
    expect(captured.lines().filter((l) => l.msg === 'turn').length).toBeGreaterThan(10);
    const activities = world.sandbox.connector.activities();
    const sources: Source[] = [
      ...redisSeen,
      { where: 'the bot’s log', text: logs },
      ...activities.map((a) => ({
        where: `the activity ${a.id} the bot sent to ${a.conversation.id}`,
        text: JSON.stringify(a),
      })),
      ...world.sandbox.connector.operations().map((o, i) => ({
        where: `the bot's call #${i} to the connector (${o.kind} in ${o.conversationId})`,
        text: JSON.stringify(o.body ?? null),
      })),
      ...deliveries.map(({ where, delivery }) => ({ where, text: JSON.stringify(delivery.body ?? null) })),
      ...tabAnswers,
    ];
    // Something of each flow is there to look in.
    expect(redisSeen.some((s) => s.where.includes(':members'))).toBe(true);
    expect(redisSeen.some((s) => s.where.includes(':audit'))).toBe(true);
    expect(redisSeen.some((s) => s.where.includes(':tabmanaging:'))).toBe(true);
    expect(activities.filter((a) => cardOf(a)).length).toBeGreaterThan(5);
    expect(tabAnswers.length).toBeGreaterThan(8);

    expect(leaksIn(sources, secrets)).toEqual([]);
  });
});

/** Until the bot has stopped sending (its notifications of the associations are delivered), at most 15 s. */
async function settled(world: World): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last = -1;
  while (Date.now() < deadline) {
    const now = world.sandbox.connector.operations().length;
    if (now === last) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
}
