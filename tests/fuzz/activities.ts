import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIONS } from '../../bot/core/requestMachine';
import { MAX_NESTING, nestsDeeperThan } from '../../bot/http/nesting';
import type { ChannelTokenForgery, TeamsUser } from '../../sandbox';
import { CHANNEL_TOKEN_FORGERIES } from '../../sandbox';
import type { Conversation, TeamsChannel } from '../support/teamsChannel';
import type { Random } from './random';
import {
  anyString,
  anyValue,
  damageJson,
  deeplyNested,
  mutate,
  pollutingObject,
  serialize,
  setOwn,
} from './values';

/** What the bot routes, read from its one routing table (bot/teams/routes.ts), so a new verb is fuzzed too. */
export interface BotSurface {
  invokeNames: string[];
  verbs: string[];
}

export function botSurface(): BotSurface {
  const source = readFileSync(join(__dirname, '..', '..', 'bot', 'teams', 'routes.ts'), 'utf8');
  const table = (name: string): string[] => {
    const body = new RegExp(`const ${name}\\b[^\\n]*= \\{\\n([\\s\\S]*?)\\n\\};`).exec(source)?.[1] ?? '';
    return [...body.matchAll(/^\s*'?([\w./-]+)'?\s*:/gm)].map((m) => m[1]!);
  };
  const invokeNames = table('invokes');
  const verbs = [...new Set([...table('cardVerbs'), ...table('accountVerbs'), ...ACTIONS, 'refresh'])];
  // A routing table reshaped beyond what this reads would quietly fuzz less: say so instead.
  for (const [what, found, needed] of [
    ['invoke names', invokeNames, ['adaptiveCard/action', 'signin/verifyState', 'signin/tokenExchange']],
    ['card verbs', verbs, ['confirm', 'approve', 'refresh', 'users.search']],
  ] as const) {
    const missing = needed.filter((n) => !found.includes(n));
    if (missing.length > 0)
      throw new Error(`Could not read the ${what} from bot/teams/routes.ts (missing ${missing.join(', ')})`);
  }
  return { invokeNames, verbs };
}

/** Invokes Teams can send a bot that this one does not handle: each must be answered 501. */
const OTHER_INVOKES = [
  'composeExtension/query',
  'composeExtension/submitAction',
  'composeExtension/fetchTask',
  'composeExtension/queryLink',
  'composeExtension/selectItem',
  'composeExtension/setting',
  'composeExtension/onCardButtonClicked',
  'task/fetch',
  'task/submit',
  'config/fetch',
  'config/submit',
  'tab/fetch',
  'tab/submit',
  'actionableMessage/executeAction',
  'fileConsent/invoke',
  'message/submitAction',
  'handoff/action',
  'application/search',
  'healthCheck',
  'signin/somethingElse',
  'adaptiveCard/unknown',
  'adaptivecard/action',
  'AdaptiveCard/Action',
  'signin/verifystate',
  '',
  'adaptiveCard/action ',
  '__proto__',
  'constructor',
  'hasOwnProperty',
];

const ACTIVITY_TYPES = [
  'message',
  'message',
  'message',
  'invoke',
  'invoke',
  'invoke',
  'invoke',
  'conversationUpdate',
  'installationUpdate',
  'typing',
  'messageReaction',
  'messageUpdate',
  'messageDelete',
  'event',
  'endOfConversation',
  'trace',
  'handoff',
  'command',
  'commandResult',
  'suggestion',
  'delay',
  'contactRelationUpdate',
  'deleteUserData',
  'invokeResponse',
  'Message',
  'INVOKE',
  '__proto__',
  'constructor',
  'toString',
  'made-up',
];

const COMMANDS = [
  'associate tenant',
  'associate another tenant',
  'tenants',
  'users',
  'add users',
  'remove tenant',
  'history',
  'cancel',
  'sign out',
  'help',
  'notify here',
  'notify off',
  'notify status',
  '123456',
  '000000',
  'associate tenant please',
];

const CARD_DATA_FIELDS = [
  'requestId',
  'reason',
  'tenantId',
  'objectId',
  'user',
  'users',
  'roles',
  'query',
  'from',
  'before',
  'page',
  'next',
];

/** A real request the fuzz may act on: where it was made and by whom, so some actions are well aimed. */
export interface FixtureRequest {
  user: TeamsUser;
  conversation: Conversation;
  cardActivityId: string;
  requestId: string;
}

export interface ActivityWorld {
  teams: TeamsChannel;
  connectorUrl: string;
  /** Who may appear in fuzzed activities. */
  users: TeamsUser[];
  /** Conversations that recur, so the bot's memory of a chat gets fuzzed turns one after another. */
  conversations: Conversation[];
  fixtures: FixtureRequest[];
  tenantIds: string[];
  objectIds: string[];
  surface: BotSurface;
}

export type Credential =
  | { kind: 'valid' }
  | { kind: 'none' }
  | { kind: 'garbage'; header: string }
  | { kind: 'forged'; forgery: ChannelTokenForgery }
  | { kind: 'otherServiceUrl' };

/** What Teams (or the Bot Framework) requires of the answer to one request. */
export type Expectation =
  | { kind: 'status'; status: number }
  /** A Teams invoke, authenticated: its status and body as Teams reads them. */
  | { kind: 'invoke'; name: string }
  /** Any other activity, authenticated: 200. */
  | { kind: 'handled' }
  /** deliveryMode expectReplies: 200 with the replies. */
  | { kind: 'expectReplies' }
  /**
   * Only no server error (a valid token with an activity of another channel or service URL); an invoke the
   * bot does not serve may still be answered 501.
   */
  | { kind: 'no5xx'; invoke?: string };

export interface ActivityCase {
  index: number;
  summary: string;
  body: string;
  contentType?: string;
  credential: Credential;
  expect: Expectation;
}

const MAX_BODY_BYTES = 256 * 1024;

/** One fuzzed POST to /api/messages, from `random` alone. */
export function activityCase(random: Random, index: number, world: ActivityWorld): ActivityCase {
  const notes: string[] = [];
  const fixture = world.fixtures.length > 0 && random.chance(0.03) ? random.pick(world.fixtures) : undefined;
  const user = fixture?.user ?? random.pick(world.users);
  const conversation =
    fixture?.conversation ??
    (random.chance(0.04) ? random.pick(world.conversations) : freshConversation(random, world, user));
  const type = fixture ? 'invoke' : random.pick(ACTIVITY_TYPES);
  const fields: Record<string, unknown> = { type, ...fieldsFor(random, type, world, fixture) };
  const activity = world.teams.activity(user, conversation, fields);
  notes.push(`${type}${typeof fields.name === 'string' ? ` ${fields.name}` : ''}`);
  const verb = (fields.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
  if (typeof verb === 'string') notes.push(`verb ${verb.slice(0, 40)}`);

  for (
    let n = random.weighted([
      [5, 0],
      [3, 1],
      [2, 2],
      [1, 4],
    ] as const);
    n > 0;
    n--
  )
    notes.push(mutate(random, activity));
  if (random.chance(0.02)) {
    setOwn(activity, 'deliveryMode', 'expectReplies');
    notes.push('deliveryMode expectReplies');
  }

  const credential = credentialFor(random);
  notes.push(`credential ${credential.kind}${credential.kind === 'forged' ? ` ${credential.forgery}` : ''}`);
  let body = serialize(activity);
  let contentType: string | undefined = random.weighted([
    [20, 'application/json'],
    [2, 'application/json; charset=utf-8'],
    [1, 'text/plain'],
    [1, 'application/x-www-form-urlencoded'],
    [1, 'multipart/form-data; boundary=x'],
    [1, 'application/jsonx'],
    [1, undefined],
  ] as const);
  if (random.chance(0.08)) {
    const damage = damageJson(random, body);
    body = damage.text;
    notes.push(damage.how);
  }
  if (random.chance(0.01)) {
    body = serialize({ ...activity, text: 'x'.repeat(MAX_BODY_BYTES) });
    notes.push('over 256 KB');
  }
  if (contentType !== 'application/json') notes.push(`content-type ${contentType ?? 'none'}`);
  if (contentType === 'multipart/form-data; boundary=x' && random.chance(0.5)) contentType = undefined;

  return {
    index,
    summary: notes.join('; '),
    body,
    ...(contentType ? { contentType } : {}),
    credential,
    expect: expectationOf(body, contentType, credential, world),
  };
}

function freshConversation(random: Random, world: ActivityWorld, user: TeamsUser): Conversation {
  const kind = random.weighted([
    [5, 'personal'],
    [3, 'group'],
    [2, 'channel'],
  ] as const);
  if (kind === 'personal') return world.teams.personalChat(user);
  if (kind === 'group') return world.teams.groupChat();
  return world.teams.channelThread();
}

function credentialFor(random: Random): Credential {
  return random.weighted<Credential>([
    [12, { kind: 'valid' }],
    [2, { kind: 'none' }],
    [
      1,
      {
        kind: 'garbage',
        header: random.pick([
          'Bearer',
          'Bearer ',
          'Bearer not-a-token',
          'Bearer a.b.c',
          'Basic dXNlcjpwYXNz',
          'bearer eyJhbGciOiJub25lIn0.e30.',
          `Bearer ${'x'.repeat(10_000)}`,
          'Bearer eyJ.eyJ.eyJ',
          'null',
        ]),
      },
    ],
    [3, { kind: 'forged', forgery: random.pick(CHANNEL_TOKEN_FORGERIES) }],
    [1, { kind: 'otherServiceUrl' }],
  ]);
}

function fieldsFor(
  random: Random,
  type: string,
  world: ActivityWorld,
  fixture: FixtureRequest | undefined,
): Record<string, unknown> {
  switch (type) {
    case 'message': {
      const text = random.weighted([
        [6, () => random.pick(COMMANDS)],
        [2, () => anyString(random, 100_000)],
        [1, () => `${random.pick(COMMANDS)} ${anyString(random, 1000)}`],
        [1, () => String(random.int(0, 999_999)).padStart(6, '0')],
      ] as const)();
      return {
        text,
        ...(random.chance(0.3)
          ? {
              entities: [
                {
                  type: 'mention',
                  mentioned: { id: random.chance(0.5) ? 'x' : anyValue(random), name: 'Tenant association' },
                  text: random.pick(['<at>Tenant association</at>', anyString(random, 100)]),
                },
              ],
            }
          : {}),
        ...(random.chance(0.1) ? { value: cardData(random, world) } : {}),
      };
    }
    case 'invoke': {
      const name = fixture
        ? 'adaptiveCard/action'
        : random.weighted([
            [6, () => random.pick(world.surface.invokeNames)],
            [2, () => random.pick(OTHER_INVOKES)],
            [1, () => anyValue(random)],
          ] as const)();
      return {
        name,
        value: invokeValue(random, name, world, fixture),
        ...(fixture ? { replyToId: fixture.cardActivityId } : {}),
      };
    }
    case 'conversationUpdate':
      return {
        membersAdded: random.chance(0.5) ? [{ id: `28:${random.guid()}` }, { id: anyValue(random) }] : [],
        membersRemoved: random.chance(0.3) ? [{ id: anyValue(random) }] : [],
        ...(random.chance(0.3) ? { conversation: { id: anyString(random, 500) } } : {}),
      };
    case 'installationUpdate':
      return { action: random.pick(['add', 'remove', 'add-upgrade', 'remove-upgrade', anyString(random)]) };
    case 'messageReaction':
      return { reactionsAdded: [{ type: random.pick(['like', 'heart', anyString(random)]) }] };
    default:
      return random.chance(0.5) ? { value: anyValue(random), name: anyValue(random) } : {};
  }
}

function invokeValue(
  random: Random,
  name: unknown,
  world: ActivityWorld,
  fixture: FixtureRequest | undefined,
): unknown {
  switch (name) {
    case 'adaptiveCard/action': {
      const verb = random.weighted([
        [8, () => random.pick(world.surface.verbs)],
        [1, () => random.pick(['delete', 'Confirm', 'confirm ', 'users.', 'users.nope', '__proto__'])],
        [1, () => anyValue(random)],
      ] as const)();
      const data = cardData(random, world);
      if (fixture) data.requestId = fixture.requestId;
      return {
        action: {
          type: random.chance(0.9) ? 'Action.Execute' : anyValue(random),
          verb,
          data: random.chance(0.95) ? data : anyValue(random),
          ...(random.chance(0.1) ? { id: anyValue(random), title: anyValue(random) } : {}),
        },
        trigger: random.pick(['manual', 'automatic', anyValue(random)]),
      };
    }
    case 'signin/verifyState':
      return { state: random.pick([String(random.int(0, 999_999)).padStart(6, '0'), anyValue(random)]) };
    case 'signin/tokenExchange':
      return {
        id: random.guid(),
        connectionName: random.pick(['TenantSignIn', anyValue(random)]),
        token: random.pick(['eyJhbGciOiJSUzI1NiJ9.e30.sig', anyValue(random)]),
      };
    case 'signin/failure':
      return {
        code: random.pick(['resourcematchfailed', 'installappfailed', 'authrequestfailed', anyValue(random)]),
        message: random.pick(['The user closed the window', anyValue(random)]),
      };
    default:
      return anyValue(random);
  }
}

/** Card data as a card would send it, each field sometimes well aimed, sometimes hostile. */
function cardData(random: Random, world: ActivityWorld): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const field of CARD_DATA_FIELDS) {
    if (!random.chance(0.35)) continue;
    data[field] = random.weighted([
      [3, () => plausible(random, field, world)],
      [2, () => anyValue(random)],
    ] as const)();
  }
  if (random.chance(0.1)) Object.assign(data, { extra: deeplyNested(random, random.int(10, 3000)) });
  if (random.chance(0.1)) {
    const payload = pollutingObject(random);
    for (const key of Object.keys(payload)) setOwn(data, key, payload[key]);
  }
  if (random.chance(0.05))
    for (let i = 0; i < random.int(50, 500); i++) data[`field${i}`] = anyString(random, 3000);
  return data;
}

function plausible(random: Random, field: string, world: ActivityWorld): unknown {
  const someIds = (pool: string[]) =>
    Array.from({ length: random.int(1, 8) }, () => random.pick([...pool, random.guid()])).join(',');
  switch (field) {
    case 'requestId':
      return random.pick([
        random.guid(),
        ...world.fixtures.map((f) => f.requestId),
        'made-up',
        'x'.repeat(100),
        'x'.repeat(101),
      ]);
    case 'tenantId':
      return random.pick([...world.tenantIds, random.guid(), random.guid().toUpperCase()]);
    case 'objectId':
    case 'user':
      return random.pick([...world.objectIds, random.guid()]);
    case 'users':
      return someIds(world.objectIds);
    case 'roles':
      return Array.from({ length: random.int(0, 5) }, () =>
        random.pick(['Manager', 'Developer', 'Marketer', 'Finance Contributor', 'Owner', 'manager', '']),
      ).join(',');
    case 'query':
      return random.pick(['contoso', 'a', '*', '"', "' or 1 eq 1", 'patti', '$filter=id', anyString(random)]);
    case 'from':
    case 'before':
    case 'page':
    case 'next':
      return random.pick([
        '0',
        '-1',
        '10',
        '999999999',
        new Date().toISOString(),
        '1-0',
        '0-0',
        '+',
        '-',
        '9999999999999-9',
        anyString(random),
      ]);
    default:
      return anyString(random);
  }
}

/** What the answer must be, from the Bot Framework's and Teams' rules, never from the bot's code. */
function expectationOf(
  body: string,
  contentType: string | undefined,
  credential: Credential,
  world: ActivityWorld,
): Expectation {
  if (!contentType || !/^application\/json(;|$)/.test(contentType)) return { kind: 'status', status: 415 };
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) return { kind: 'status', status: 413 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind: 'status', status: 400 };
  }
  // Nothing of the bot reads a body nested deeper than any activity is.
  if (nestsDeeperThan(parsed, MAX_NESTING)) return { kind: 'status', status: 400 };
  // A damaged body may still parse (a literal, a duplicated key): it is then judged as what it is.
  if (!isActivityShaped(parsed)) return { kind: 'status', status: 400 };
  if (credential.kind !== 'valid') return { kind: 'status', status: 401 };
  const activity = parsed as Record<string, unknown>;
  const invoke =
    activity.type === 'invoke' ? (typeof activity.name === 'string' ? activity.name : '') : undefined;
  if (activity.serviceUrl !== world.connectorUrl || activity.channelId !== 'msteams')
    return { kind: 'no5xx', ...(invoke !== undefined ? { invoke } : {}) };
  if (activity.deliveryMode === 'expectReplies') return { kind: 'expectReplies' };
  if (invoke !== undefined) return { kind: 'invoke', name: invoke };
  return { kind: 'handled' };
}

/** The Bot Framework's minimum for an activity: a type, a service URL, a conversation and a sender. */
function isActivityShaped(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { type, serviceUrl, conversation, from } = value as Record<string, unknown>;
  const withId = (v: unknown) =>
    typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string';
  return (
    typeof type === 'string' &&
    type.length > 0 &&
    typeof serviceUrl === 'string' &&
    withId(conversation) &&
    withId(from)
  );
}

/** A 5xx, except the 501 that tells Teams an invoke is not one this bot handles. */
export function isServerError(expect: Expectation, status: number, knownInvokes: string[]): boolean {
  const invoke = expect.kind === 'invoke' ? expect.name : expect.kind === 'no5xx' ? expect.invoke : undefined;
  const unhandledInvoke = invoke !== undefined && !knownInvokes.includes(invoke);
  return status >= 500 && !(status === 501 && unhandledInvoke);
}

/** Where an answer falls short of `expect`, or undefined when it is what Teams expects. */
export function judgeActivityAnswer(
  expect: Expectation,
  status: number,
  body: unknown,
  knownInvokes: string[],
): string | undefined {
  if (isServerError(expect, status, knownInvokes)) return `server error ${status}`;
  switch (expect.kind) {
    case 'status':
      return status === expect.status ? undefined : `expected ${expect.status}, got ${status}`;
    case 'no5xx':
      return undefined;
    case 'handled':
      return status === 200 ? undefined : `expected 200, got ${status}`;
    case 'expectReplies':
      return status === 200 && Array.isArray((body as { activities?: unknown } | undefined)?.activities)
        ? undefined
        : `expected 200 with the replies, got ${status} ${preview(body)}`;
    case 'invoke':
      return judgeInvoke(expect.name, status, body, knownInvokes);
  }
}

function judgeInvoke(
  name: string,
  status: number,
  body: unknown,
  knownInvokes: string[],
): string | undefined {
  const answer = body as Record<string, unknown> | undefined;
  if (!knownInvokes.includes(name))
    return status === 501 ? undefined : `an unknown invoke expects 501, got ${status}`;
  switch (name) {
    case 'adaptiveCard/action': {
      if (status !== 200) return `adaptiveCard/action expects 200, got ${status}`;
      if (answer?.statusCode !== 200)
        return `adaptiveCard/action body without statusCode 200: ${preview(body)}`;
      if (answer.type === 'application/vnd.microsoft.activity.message')
        return typeof answer.value === 'string' && answer.value.length > 0
          ? undefined
          : `a message response without text: ${preview(body)}`;
      if (answer.type === 'application/vnd.microsoft.card.adaptive')
        return (answer.value as { type?: unknown } | undefined)?.type === 'AdaptiveCard'
          ? undefined
          : `a card response without a card: ${preview(body)}`;
      return `adaptiveCard/action answered with type ${String(answer.type)}`;
    }
    case 'signin/tokenExchange':
      return status === 412 && typeof answer?.failureDetail === 'string'
        ? undefined
        : `signin/tokenExchange expects 412 with failureDetail, got ${status} ${preview(body)}`;
    default:
      return status === 200 ? undefined : `${name} expects 200, got ${status}`;
  }
}

function preview(body: unknown): string {
  return (JSON.stringify(body) ?? '').slice(0, 300);
}
