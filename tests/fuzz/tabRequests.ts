import { createServer } from '../../bot/http/server';
import { testLog } from '../support/testLog';
import type { Random } from './random';
import { anyString, anyValue, damageJson, mutate, pollutingObject, serialize, setOwn } from './values';

export interface TabRoute {
  method: string;
  /** restify's pattern, `/tab/api/requests/:id/:verb`. */
  path: string;
}

/**
 * The tab's routes as the bot's HTTP server registers them (bot/http/), read from restify's own route table:
 * a page or an endpoint added later is fuzzed without anyone listing it here.
 */
export function tabRoutes(): TabRoute[] {
  const server = createServer({
    messages: async () => ({ status: 200 }),
    dependencies: {},
    stopping: () => false,
    log: testLog,
    tab: { frameAncestors: [] },
  });
  const routes = Object.values(server.router.getRoutes() as unknown as Record<string, TabRoute>).map(
    (route) => ({ method: route.method.toUpperCase(), path: String(route.path) }),
  );
  return routes.filter((r) => r.path === '/tab' || r.path.startsWith('/tab/'));
}

/** Who a request claims to be. */
export type TabCredential =
  | { kind: 'none' }
  | { kind: 'garbage'; header: string }
  /** An SSO token Entra ID did not issue for this tab as it is: see SSO_FORGERIES. */
  | { kind: 'forged'; forgery: SsoForgery }
  /** A real SSO token of someone who is not a user of the account. */
  | { kind: 'stranger' }
  /** A real SSO token of a user of the account, its name claim as odd as the fuzz likes. */
  | { kind: 'member'; who: 'manager' | 'developer'; name?: unknown };

export const SSO_FORGERIES = [
  'expired',
  'notYetValid',
  'otherApp',
  'otherIssuer',
  'otherTenantIssuer',
  'unknownKey',
  'noScope',
  'otherScope',
  'v1',
  'noOid',
  'oidNotGuid',
  'algNone',
] as const;
export type SsoForgery = (typeof SSO_FORGERIES)[number];

export interface TabWorld {
  botOrigin: string;
  loginOrigin: string;
  routes: TabRoute[];
  requestIds: string[];
  tenantIds: string[];
  objectIds: string[];
  /**
   * Entra ID's answers to sign-ins opened for real and never posted back: each is only ever posted with
   * another session's state, so its code meets a PKCE verifier and nonce that are not its own.
   */
  freshAnswers: Record<string, string>[];
  /** Entra ID's answer to a sign-in already completed, for replays. */
  spentAnswer: Record<string, string>;
}

export interface TabCase {
  index: number;
  summary: string;
  method: string;
  /** Path and query. */
  target: string;
  route: TabRoute | undefined;
  headers: Record<string, string>;
  body?: string;
  credential: TabCredential;
}

/** Parameters that ask a sign-in page to go somewhere else afterwards, and where. */
const REDIRECT_PARAMS = [
  'returnUrl',
  'redirect',
  'redirect_uri',
  'next',
  'url',
  'continue',
  'return_to',
  'target',
];
export const OFF_SITE = [
  'https://evil.example/',
  '//evil.example/',
  '/\\evil.example',
  '\\\\evil.example',
  'https:evil.example',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'https://localhost.evil.example/',
  'https://evil.example@localhost/',
  'http://127.0.0.1.nip.io/',
  '%2F%2Fevil.example',
];
/** Markup a careless page would reflect. */
export const INJECTED = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'];

/** One fuzzed request to the tab, from `random` alone. */
export function tabCase(random: Random, index: number, world: TabWorld): TabCase {
  const notes: string[] = [];
  const route = random.chance(0.93) ? random.pick(world.routes) : undefined;
  let method = route?.method ?? random.pick(['GET', 'POST', 'PUT', 'DELETE']);
  if (random.chance(0.05)) method = random.pick(['OPTIONS', 'PATCH', 'HEAD', 'PUT', 'DELETE', 'POST']);
  const path = route ? fillPath(random, route.path, world) : unknownPath(random);
  const query = new URLSearchParams();
  if (random.chance(route?.path.startsWith('/tab/auth') ? 0.7 : 0.2)) {
    for (let i = random.int(1, 3); i > 0; i--)
      query.append(random.pick(REDIRECT_PARAMS), random.pick([...OFF_SITE, anyString(random, 3000)]));
  }
  if (route?.path === '/tab/auth/start' || random.chance(0.05))
    query.set('session', sessionValue(random, world));
  if (route?.path === '/tab/api/history' && random.chance(0.7))
    query.set('before', random.pick(['0', '-1', '1-0', '99999999999999-0', anyString(random, 2000)]));
  if (random.chance(0.03)) query.append('__proto__[fuzzPolluted]', 'yes');
  if (random.chance(0.03)) query.append('constructor[prototype][fuzzPolluted]', 'yes');
  const target = `${path}${[...query.keys()].length > 0 ? `?${query}` : ''}`;
  notes.push(`${method} ${route?.path ?? path}`);

  const credential = credentialFor(random);
  notes.push(`credential ${credential.kind}${credential.kind === 'forged' ? ` ${credential.forgery}` : ''}`);
  const headers: Record<string, string> = {};
  // A cross-site request: the browser adds the site's cookies and its own Origin, never the bearer token.
  if (random.chance(0.3)) {
    headers.cookie = random.pick([
      'session=abc; auth=1',
      'AppServiceAuthSession=x',
      `token=${anyString(random, 200).replace(/[^\x21-\x7e]/g, '')}`,
    ]);
    notes.push('cookie');
  }
  if (random.chance(0.3)) {
    headers.origin = random.pick([
      'https://evil.example',
      'null',
      world.botOrigin,
      'https://teams.microsoft.com',
    ]);
    if (random.chance(0.5)) headers.referer = 'https://evil.example/attack.html';
    notes.push(`origin ${headers.origin}`);
  }
  if (method === 'OPTIONS') {
    headers['access-control-request-method'] = random.pick(['POST', 'DELETE', 'PUT']);
    headers['access-control-request-headers'] = 'authorization, content-type';
  }

  let body: string | undefined;
  const bodiless = method === 'GET' || method === 'HEAD';
  if (!bodiless && (route?.path === '/tab/auth/callback' || random.chance(0.8))) {
    const built =
      route?.path === '/tab/auth/callback' ? callbackBody(random, world) : jsonBody(random, world);
    body = built.body;
    headers['content-type'] = built.contentType;
    notes.push(built.note);
  }
  return {
    index,
    summary: notes.join('; '),
    method,
    target,
    route,
    headers,
    ...(body !== undefined ? { body } : {}),
    credential,
  };
}

function credentialFor(random: Random): TabCredential {
  return random.weighted<TabCredential>([
    [4, { kind: 'none' }],
    [
      1,
      {
        kind: 'garbage',
        header: random.pick([
          'Bearer',
          'Bearer not-a-token',
          'Bearer a.b.c',
          'bearer a.b.c',
          'Basic dXNlcjpwYXNz',
          `Bearer ${'x'.repeat(9_000)}`,
          'Bearer eyJhbGciOiJub25lIn0.eyJ0aWQiOiIxIn0.',
          'Bearer eyJ.eyJ.eyJ',
        ]),
      },
    ],
    [4, { kind: 'forged', forgery: random.pick(SSO_FORGERIES) }],
    [1, { kind: 'stranger' }],
    [
      3,
      {
        kind: 'member',
        who: random.chance(0.7) ? 'manager' : 'developer',
        ...(random.chance(0.15) ? { name: anyValue(random) } : {}),
      },
    ],
  ]);
}

function fillPath(random: Random, pattern: string, world: TabWorld): string {
  return pattern.replace(/:(\w+)/g, (_, name: string) => {
    const value = random.weighted([
      [5, () => plausibleParam(random, name, world)],
      [2, () => anyString(random, 2000)],
      [1, () => random.pick(['..', '../..', '%2e%2e', '__proto__', 'constructor', 'prototype', '.', ''])],
    ] as const)();
    return random.chance(0.9)
      ? encodeSegment(value)
      : value.replace(/[^\x21-\x7e]/g, '').replace(/[?#]/g, '');
  });
}

function plausibleParam(random: Random, name: string, world: TabWorld): string {
  switch (name) {
    case 'id':
      return random.pick([...world.requestIds, random.guid(), 'made-up']);
    case 'verb':
      return random.pick([
        'confirm',
        'cancel',
        'approve',
        'reject',
        'withdraw',
        'refresh',
        'delete',
        'Confirm',
      ]);
    case 'tenantId':
      return random.pick([...world.tenantIds, random.guid()]);
    case 'objectId':
      return random.pick([...world.objectIds, random.guid()]);
    case 'asset':
      return random.pick([
        'app.js',
        'callback.js',
        'app.css',
        'index.html',
        'callback.html',
        '..%2Fpackage.json',
        'x.js',
      ]);
    default:
      return random.guid();
  }
}

/** A URL path segment of any text: a lone surrogate, which no URL can carry, becomes U+FFFD. */
function encodeSegment(text: string): string {
  return encodeURIComponent(
    text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
  );
}

function unknownPath(random: Random): string {
  return random.pick([
    '/tab/api',
    '/tab/api/',
    '/tab/api/nope',
    '/tab/api/overview/extra',
    '/tab/api/requests',
    '/tab/api/../../api/messages',
    '/tab/auth',
    '/tab/auth/callback/extra',
    `/tab/api/${encodeSegment(anyString(random, 500))}`,
    '/tab/%2e%2e/%2e%2e/package.json',
    '//evil.example/tab',
  ]);
}

function sessionValue(random: Random, world: TabWorld): string {
  return random.weighted([
    [2, () => random.pick(world.freshAnswers).state ?? ''],
    [1, () => world.spentAnswer.state ?? ''],
    [3, () => random.pick([random.guid(), 'x', '', ...OFF_SITE])],
    [1, () => anyString(random, 3000)],
  ] as const)();
}

/** Entra ID's form_post answer, forged: unknown, spent or real states with codes and nonces not theirs. */
function callbackBody(random: Random, world: TabWorld): { body: string; contentType: string; note: string } {
  const kind = random.weighted([
    [2, 'replay'],
    [2, 'foreignCode'],
    [2, 'unknownState'],
    [1, 'error'],
    [1, 'fuzz'],
  ] as const);
  const spent = world.spentAnswer;
  const fields: Record<string, unknown> = (() => {
    switch (kind) {
      case 'replay':
        return { ...spent };
      case 'foreignCode': {
        const answer = random.pick(world.freshAnswers);
        const others = world.freshAnswers.filter((a) => a.state !== answer.state);
        const state = others.length > 0 ? random.pick(others).state : random.guid();
        return { ...answer, state, ...(random.chance(0.3) ? { nonce: random.guid() } : {}) };
      }
      case 'unknownState':
        return { ...spent, state: random.pick([random.guid(), '', 'x'.repeat(5000), ...INJECTED]) };
      case 'error':
        return {
          state: random.pick([...world.freshAnswers.map((a) => a.state), random.guid()]),
          error: random.pick([
            'access_denied',
            'invalid_request',
            'server_error',
            ...INJECTED,
            anyString(random, 2000),
          ]),
          error_description: random.pick([
            'AADSTS500200: personal account',
            'AADSTS65004: declined',
            ...INJECTED,
            anyString(random, 20_000),
          ]),
        };
      case 'fuzz':
        return {
          state: anyValue(random),
          code: anyValue(random),
          client_info: anyValue(random),
          nonce: anyValue(random),
          id_token: 'eyJhbGciOiJub25lIn0.eyJub25jZSI6IngifQ.',
        };
    }
  })();
  if (random.chance(0.3)) fields.client_info = random.pick(['', 'e30', 'not-base64', ...INJECTED]);
  if (random.chance(0.1))
    Object.assign(fields, {
      '__proto__[fuzzPolluted]': 'yes',
      'constructor[prototype][fuzzPolluted]': 'yes',
    });
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(fields))
    form.append(key, typeof value === 'string' ? value : serialize(value));
  const contentType = random.weighted([
    [8, 'application/x-www-form-urlencoded'],
    [1, 'application/json'],
    [1, 'text/plain'],
    [1, 'multipart/form-data; boundary=x'],
  ] as const);
  const body = contentType === 'application/json' ? serialize(fields) : form.toString();
  return { body, contentType, note: `callback ${kind}, ${contentType}` };
}

/** A JSON body for the tab's API: plausible fields, wrong types, pollution, broken JSON, or a form. */
function jsonBody(random: Random, world: TabWorld): { body: string; contentType: string; note: string } {
  const object: Record<string, unknown> = {};
  const fields: [string, () => unknown][] = [
    ['tenantId', () => random.pick([...world.tenantIds, random.guid()])],
    [
      'users',
      () => Array.from({ length: random.int(0, 6) }, () => random.pick([...world.objectIds, random.guid()])),
    ],
    ['objectIds', () => Array.from({ length: random.int(0, 6) }, () => random.pick(world.objectIds))],
    ['roles', () => random.pick([['Manager'], ['Developer', 'Marketer'], [], ['Owner'], 'Manager'])],
    ['query', () => random.pick(['contoso', '*', "' or 1 eq 1", anyString(random, 3000)])],
    ['requestId', () => random.pick([...world.requestIds, random.guid()])],
    ['before', () => random.pick(['0', '1-0', anyString(random, 100)])],
  ];
  for (const [key, make] of fields)
    if (random.chance(0.4)) object[key] = random.chance(0.7) ? make() : anyValue(random);
  for (let n = random.int(0, 2); n > 0; n--) mutate(random, object);
  if (random.chance(0.15)) {
    const payload = pollutingObject(random);
    for (const key of Object.keys(payload)) setOwn(object, key, payload[key]);
  }
  let body = serialize(object);
  let note = 'JSON body';
  if (random.chance(0.1)) {
    const damage = damageJson(random, body);
    body = damage.text;
    note = damage.how;
  }
  if (random.chance(0.02)) {
    body = JSON.stringify({ query: 'x'.repeat(70 * 1024) });
    note = 'over 64 KB';
  }
  const contentType = random.weighted([
    [10, 'application/json'],
    [1, 'text/plain'],
    [1, 'application/x-www-form-urlencoded'],
    [1, 'multipart/form-data; boundary=x'],
  ] as const);
  return { body, contentType, note: `${note}, ${contentType}` };
}

/** Where an answer from the tab falls short, or undefined when it refuses or serves as it must. */
export function judgeTabAnswer(
  request: TabCase,
  world: TabWorld,
  status: number,
  headers: Headers,
  text: string,
): string | undefined {
  if (status >= 500) return `server error ${status}`;
  if (headers.get('access-control-allow-origin') || headers.get('access-control-allow-credentials'))
    return `CORS granted: ${headers.get('access-control-allow-origin')}`;
  for (const markup of INJECTED) if (text.includes(markup)) return `reflected markup ${markup}`;
  const location = headers.get('location');
  if (status >= 300 && status < 400) {
    if (request.route?.path !== '/tab/auth/start' || request.method !== 'GET')
      return `redirect ${status} to ${location}`;
    const to = location ? new URL(location, world.botOrigin) : undefined;
    if (!to || to.origin !== world.loginOrigin) return `redirect off-site to ${location}`;
    if (to.searchParams.get('redirect_uri') !== `${world.botOrigin}/tab/auth/callback`)
      return `Entra ID asked to answer elsewhere: ${to.searchParams.get('redirect_uri')}`;
  }
  const path = request.target.split('?')[0]!;
  const api = path.startsWith('/tab/api');
  const member = request.credential.kind === 'member';
  // Ending one's own sign-in needs no role, only a person Teams vouches for: there is nothing of the account in it.
  const ownSignOut =
    request.credential.kind === 'stranger' &&
    request.method === 'DELETE' &&
    path === '/tab/api/users/sign-ins';
  if (api && !member && !ownSignOut && (status < 400 || status >= 500))
    return `${request.credential.kind} credential answered ${status}, not refused`;
  if (request.route?.path === '/tab/auth/callback' && request.method === 'POST' && status < 400) {
    const meta = /<meta name="sign-in-result" content="([^"]*)"/.exec(text)?.[1];
    if (status !== 200 || meta === undefined) return `callback answered ${status} without a result`;
    if (!meta.includes('&quot;ok&quot;:false'))
      return `a forged sign-in answer was accepted: ${meta.slice(0, 200)}`;
  }
  return undefined;
}
