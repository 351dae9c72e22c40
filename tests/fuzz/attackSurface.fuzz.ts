import type { ChannelTokenForgery, RecordedActivity, TeamsUser } from '../../sandbox';
import { answerOf, signInWithPicker } from '../support/entraAccountPicker';
import { associate, reviewCardFor } from '../support/flows';
import { cardOf, oauthLink, TeamsChannel, visibleText } from '../support/teamsChannel';
import { startWorld, type World } from '../support/world';
import {
  activityCase,
  botSurface,
  isServerError,
  judgeActivityAnswer,
  type ActivityCase,
  type ActivityWorld,
  type Credential,
} from './activities';
import { startFuzzedBot, type FuzzedBotProcess } from './fuzzedBotProcess';
import type { ProbeAnswer } from './fuzzedBot';
import { Random, runSeed } from './random';
import {
  judgeTabAnswer,
  tabCase,
  tabRoutes,
  type SsoForgery,
  type TabCase,
  type TabCredential,
  type TabWorld,
} from './tabRequests';

/**
 * The bot as Teams and browsers reach it, under seeded fuzzing: a real bot process (tests/fuzz/fuzzedBot.ts)
 * with inbound authentication on, the sandbox's channel tokens, SSO tokens, Entra ID, Graph and connector,
 * and Redis. Each round sends generated and mutated activities and invokes to /api/messages and requests
 * to every route of the Tenants tab; between rounds the bot process reports its memory after a full
 * collection, its unhandled rejections and uncaught exceptions, and any change to a built-in prototype.
 *
 * FUZZ_SEED repeats a run; FUZZ_ROUNDS, FUZZ_ACTIVITIES and FUZZ_TAB_REQUESTS (per round) size it.
 */
const SEED = runSeed();
const ROUNDS = Math.max(3, Number(process.env.FUZZ_ROUNDS ?? 3));
const ACTIVITIES_PER_ROUND = Number(process.env.FUZZ_ACTIVITIES ?? 3_400);
const TAB_REQUESTS_PER_ROUND = Number(process.env.FUZZ_TAB_REQUESTS ?? 700);
/** Requests in flight at once: enough to overlap turns of one conversation, few enough for a 2-core CI. */
const IN_FLIGHT = 6;
const EXAMPLES_KEPT = 15;
/** A request unanswered this long is reported as unanswered, rather than holding up the run. */
const ANSWER_WITHIN_MS = 30_000;
const CONTOSO = 'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0';

jest.setTimeout(20 * 60_000);

/** Violations of one property, with a few reproducible examples. */
class Findings {
  count = 0;
  readonly examples: string[] = [];
  add(index: number, summary: string, what: string): void {
    this.count += 1;
    if (this.examples.length < EXAMPLES_KEPT) this.examples.push(`case ${index} [${summary}]: ${what}`);
  }
  toString(): string {
    return this.count === 0
      ? 'none'
      : `${this.count}, repeat with FUZZ_SEED=${SEED}:\n${this.examples.join('\n')}`;
  }
}

interface RoundReport {
  round: number;
  probe: ProbeAnswer;
}

describe(`the bot's attack surface under fuzzing (seed ${SEED})`, () => {
  let world: World;
  let bot: FuzzedBotProcess;
  let teams: TeamsChannel;
  let tabOrigin: string;
  const serverErrors = new Findings();
  const unreachable = new Findings();
  const activityAnswers = new Findings();
  const tabAnswers = new Findings();
  const rounds: RoundReport[] = [];
  const slowest: { ms: number; what: string }[] = [];
  const timed = (ms: number, what: string) => {
    slowest.push({ ms, what });
    slowest.sort((a, b) => b.ms - a.ms).splice(5);
  };
  let activitiesSent = 0;
  let tabRequestsSent = 0;
  let fuzzed: Promise<void>;

  const person = (name: string) => world.teams.user(name);
  const audience = () => `api://localhost:${world.env.PORT}/${world.sandbox.tabApp.clientId}`;
  const sso = (user: TeamsUser, overrides?: Record<string, unknown>) =>
    world.sandbox.mintSsoToken({ user, audience: audience(), ...(overrides ? { overrides } : {}) });

  beforeAll(async () => {
    console.log(`fuzz seed ${SEED}: FUZZ_SEED=${SEED} npm run test:fuzz repeats this run`);
    // The world seeds the account's users in Redis; its own bot then makes way for the fuzzed process,
    // which takes its port, so the tab's public URL and SSO audience stay what the world configured.
    world = await startWorld({ tab: true, env: { NOTIFICATION_WORKERS: 'off' } });
    await world.app.close();
    bot = await startFuzzedBot({ ...world.env, NOTIFICATION_WORKERS: 'in-process' });
    teams = new TeamsChannel(world.sandbox, bot.origin, world.env.BOT_ID!);
    tabOrigin = `http://localhost:${world.env.PORT}`;
    fuzzed = fuzz();
    // The run is shared by the properties below; each reports on its own.
    await fuzzed.catch(() => undefined);
  });
  afterAll(async () => {
    await bot?.stop();
    await world?.sandbox.close();
  });

  async function fuzz(): Promise<void> {
    const live = { ...world, teams };
    const activities = await activityWorld(live);
    const tab = await tabWorld(activities);
    const credentials = credentialSource();
    for (let round = 1; round <= ROUNDS; round++) {
      const jobs: (() => Promise<void>)[] = [];
      const first = (round - 1) * ACTIVITIES_PER_ROUND;
      for (let i = first; i < first + ACTIVITIES_PER_ROUND; i++) {
        jobs.push(() => sendActivity(activityCase(new Random(SEED, i), i, activities), credentials));
      }
      const firstTab = (round - 1) * TAB_REQUESTS_PER_ROUND;
      for (let i = firstTab; i < firstTab + TAB_REQUESTS_PER_ROUND; i++) {
        // Tab cases draw from streams of their own, apart from the activities'.
        jobs.push(() =>
          sendTabRequest(tabCase(new Random(SEED, 1_000_000_000 + i), i, tab), tab, credentials),
        );
      }
      interleave(jobs, new Random(SEED, 2_000_000_000 + round));
      await inParallel(jobs, IN_FLIGHT);
      // Let the notification workers and any turn's background work settle before the process is weighed.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      rounds.push({ round, probe: await bot.probe() });
    }
  }

  /** The people, chats and real requests the activities are built around. */
  async function activityWorld(live: World): Promise<ActivityWorld> {
    const [nestor, diego, isaiah, joni, lynne] = [
      'Nestor Wilke',
      'Diego Siciliani',
      'Isaiah Langer',
      'Joni Sherman',
      'Lynne Robbins',
    ].map(person) as [TeamsUser, TeamsUser, TeamsUser, TeamsUser, TeamsUser];
    // Lidia is kept out of the fuzzing: she proves afterwards that the real flows still work, without
    // meeting the sign-in limits or role changes the fuzzing may have brought on others.
    const lidia = person('Lidia Holloway');
    const chat = teams.personalChat(nestor);
    const review = await reviewCardFor(live, nestor, chat, 'alex@contoso.com');
    const group = teams.groupChat([diego, nestor, isaiah, joni]);
    const [prompt] = await teams.say(diego, group, 'associate tenant');
    const code = await world.sandbox.tokenService.chooseAccount(oauthLink(prompt)!, 'megan@contoso.com');
    const groupCard = (await teams.say(diego, group, code)).find((a) => cardOf(a));
    if (!groupCard) throw new Error('No request card in the group chat');
    const directoryUsers = world.sandbox.directory.tenants.flatMap((t) => t.users);
    return {
      teams,
      connectorUrl: world.sandbox.urls.connector,
      users: [nestor, diego, isaiah, joni, lynne],
      conversations: [chat, group, teams.channelThread(), teams.personalChat(diego)],
      fixtures: [
        { user: nestor, conversation: chat, cardActivityId: review.id, requestId: requestIdOf(review) },
        { user: diego, conversation: group, cardActivityId: groupCard.id, requestId: requestIdOf(groupCard) },
      ],
      tenantIds: world.sandbox.directory.tenants.map((t) => t.id),
      objectIds: [
        ...directoryUsers.map((u) => u.objectId),
        ...world.sandbox.directory.teams.users.map((u) => u.objectId),
      ].filter((id) => id !== lidia.objectId),
      surface: botSurface(),
    };
  }

  /** The tab's routes and real sign-ins: one completed (for replays), a few answered but never posted. */
  async function tabWorld(activities: ActivityWorld): Promise<TabWorld> {
    const nestor = person('Nestor Wilke');
    const spentAnswer = await entraAnswer(nestor, 'megan@contoso.com');
    const completed = await postCallback(spentAnswer);
    if (!completed.includes('&quot;ok&quot;:true')) throw new Error(`The tab sign-in failed: ${completed}`);
    const tabRequestId = /&quot;requestId&quot;:&quot;([^&]+)&quot;/.exec(completed)?.[1];
    const freshAnswers = [];
    for (let i = 0; i < 3; i++) freshAnswers.push(await entraAnswer(nestor, 'alex@contoso.com'));
    const routes = tabRoutes();
    if (!routes.some((r) => r.path === '/tab/auth/callback'))
      throw new Error(`The tab's routes were not found: ${JSON.stringify(routes)}`);
    return {
      botOrigin: tabOrigin,
      loginOrigin: world.sandbox.urls.login,
      routes,
      requestIds: [...activities.fixtures.map((f) => f.requestId), ...(tabRequestId ? [tabRequestId] : [])],
      tenantIds: activities.tenantIds,
      objectIds: activities.objectIds,
      freshAnswers,
      spentAnswer,
    };
  }

  async function entraAnswer(user: TeamsUser, upn: string): Promise<Record<string, string>> {
    const started = await fetch(`${tabOrigin}/tab/api/sign-ins`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sso(user)}` },
    });
    if (started.status !== 200) throw new Error(`Starting a tab sign-in answered ${started.status}`);
    const { url } = (await started.json()) as { url: string };
    return answerOf(await signInWithPicker(url, upn, world.sandbox.caCertPem));
  }

  async function postCallback(answer: Record<string, string>): Promise<string> {
    const response = await fetch(`${tabOrigin}/tab/auth/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(answer).toString(),
    });
    return response.text();
  }

  /** Channel and SSO tokens: valid ones reused as Teams reuses them, renewed now and then; forgeries kept. */
  function credentialSource() {
    const appId = world.env.BOT_ID!;
    const serviceUrl = world.sandbox.urls.connector;
    let channelToken = '';
    let uses = 0;
    const forgedChannel = new Map<ChannelTokenForgery, string>();
    const forgedSso = new Map<SsoForgery, string>();
    const nestor = person('Nestor Wilke');
    const members = { manager: sso(nestor), developer: sso(person('Diego Siciliani')) };
    const stranger = sso(person('Isaiah Langer'));
    const otherServiceUrl = world.sandbox.mintChannelToken({
      appId,
      serviceUrl: 'https://smba.trafficmanager.net/amer/',
    });
    const now = () => Math.floor(Date.now() / 1000);
    const forgeSso = (forgery: SsoForgery): string => {
      const mint = world.sandbox.mintSsoToken;
      switch (forgery) {
        case 'expired':
          return sso(nestor, { exp: now() - 600, iat: now() - 4200, nbf: now() - 4200 });
        case 'notYetValid':
          return sso(nestor, { nbf: now() + 3600 });
        case 'otherApp':
          return mint({ user: nestor, audience: 'api://localhost/another-app' });
        case 'otherIssuer':
          return sso(nestor, { iss: 'https://login.example.com/x/v2.0' });
        case 'otherTenantIssuer':
          return sso(nestor, { iss: `${world.sandbox.urls.login}/${CONTOSO}/v2.0` });
        case 'unknownKey':
          return mint({ user: nestor, audience: audience(), signWith: 'unknownKey' });
        case 'noScope':
          return sso(nestor, { scp: undefined });
        case 'otherScope':
          return sso(nestor, { scp: 'User.Read' });
        case 'v1':
          return sso(nestor, { ver: '1.0' });
        case 'noOid':
          return sso(nestor, { oid: undefined });
        case 'oidNotGuid':
          return sso(nestor, { oid: 'not-a-guid' });
        case 'algNone': {
          const [, payload] = sso(nestor).split('.');
          const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
          return `${header}.${payload}.AAAA`;
        }
      }
    };
    return {
      channel(credential: Credential): string | undefined {
        switch (credential.kind) {
          case 'valid':
            if (uses++ % 10 === 0) channelToken = world.sandbox.mintChannelToken({ appId, serviceUrl });
            return `Bearer ${channelToken}`;
          case 'none':
            return undefined;
          case 'garbage':
            return credential.header;
          case 'forged': {
            let token = forgedChannel.get(credential.forgery);
            if (!token) {
              token = world.sandbox.mintChannelToken({ appId, serviceUrl, forge: credential.forgery });
              forgedChannel.set(credential.forgery, token);
            }
            return `Bearer ${token}`;
          }
          case 'otherServiceUrl':
            return `Bearer ${otherServiceUrl}`;
        }
      },
      tab(credential: TabCredential): string | undefined {
        switch (credential.kind) {
          case 'none':
            return undefined;
          case 'garbage':
            return credential.header;
          case 'forged': {
            let token = forgedSso.get(credential.forgery);
            if (!token) {
              token = forgeSso(credential.forgery);
              forgedSso.set(credential.forgery, token);
            }
            return `Bearer ${token}`;
          }
          case 'stranger':
            return `Bearer ${stranger}`;
          case 'member': {
            if (!('name' in credential)) return `Bearer ${members[credential.who]}`;
            const user = person(credential.who === 'manager' ? 'Nestor Wilke' : 'Diego Siciliani');
            return `Bearer ${sso(user, { name: credential.name })}`;
          }
        }
      },
    };
  }

  async function sendActivity(
    fuzzCase: ActivityCase,
    credentials: ReturnType<typeof credentialSource>,
  ): Promise<void> {
    activitiesSent += 1;
    const authorization = credentials.channel(fuzzCase.credential);
    const started = Date.now();
    let status: number;
    let body: unknown;
    try {
      const response = await fetch(`${bot.origin}/api/messages`, {
        method: 'POST',
        headers: {
          ...(fuzzCase.contentType ? { 'content-type': fuzzCase.contentType } : {}),
          ...(authorization ? { authorization } : {}),
        },
        body: fuzzCase.body,
        signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
      });
      status = response.status;
      const text = await response.text();
      timed(Date.now() - started, `case ${fuzzCase.index} [${fuzzCase.summary}] ${status}`);
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
    } catch (error) {
      unreachable.add(fuzzCase.index, fuzzCase.summary, `no answer: ${String(error)}`);
      return;
    }
    const { invokeNames } = activitiesSurface;
    if (isServerError(fuzzCase.expect, status, invokeNames)) {
      serverErrors.add(fuzzCase.index, fuzzCase.summary, `${status} ${preview(body)}`);
      return;
    }
    const shortfall = judgeActivityAnswer(fuzzCase.expect, status, body, invokeNames);
    if (shortfall) activityAnswers.add(fuzzCase.index, fuzzCase.summary, shortfall);
  }

  async function sendTabRequest(
    request: TabCase,
    tab: TabWorld,
    credentials: ReturnType<typeof credentialSource>,
  ): Promise<void> {
    tabRequestsSent += 1;
    const authorization = credentials.tab(request.credential);
    const started = Date.now();
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${tabOrigin}${request.target}`, {
        method: request.method,
        headers: { ...request.headers, ...(authorization ? { authorization } : {}) },
        ...(request.body !== undefined ? { body: request.body } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
      });
      text = await response.text();
      timed(Date.now() - started, `tab case ${request.index} [${request.summary}] ${response.status}`);
    } catch (error) {
      unreachable.add(request.index, `tab ${request.summary}`, `no answer: ${String(error)}`);
      return;
    }
    if (response.status >= 500)
      serverErrors.add(request.index, `tab ${request.summary}`, `${response.status} ${text.slice(0, 300)}`);
    const shortfall = judgeTabAnswer(request, tab, response.status, response.headers, text);
    if (shortfall && response.status < 500) tabAnswers.add(request.index, request.summary, shortfall);
  }

  const activitiesSurface = botSurface();

  it(`answers ${ROUNDS} rounds of ${ACTIVITIES_PER_ROUND} activities and ${TAB_REQUESTS_PER_ROUND} tab requests without a server error, each answered`, async () => {
    await fuzzed;
    console.log(
      `fuzz seed ${SEED}: ${activitiesSent} activities, ${tabRequestsSent} tab requests; RSS by round: ${rounds
        .map((r) => `${Math.round(r.probe.rssBytes / 2 ** 20)} MB`)
        .join(', ')}; slowest: ${slowest.map((s) => `${s.ms} ms ${s.what}`).join(' | ')}`,
    );
    expect(activitiesSent).toBe(ROUNDS * ACTIVITIES_PER_ROUND);
    expect(tabRequestsSent).toBe(ROUNDS * TAB_REQUESTS_PER_ROUND);
    expect(`server errors: ${serverErrors}`).toBe('server errors: none');
    expect(`requests without an answer: ${unreachable}`).toBe('requests without an answer: none');
  });

  it('answers every activity and invoke as the Bot Framework and Teams expect (401, 400, 413, 415; invokes 200, 412 or 501 with their bodies)', async () => {
    await fuzzed;
    expect(`answers not as Teams expects: ${activityAnswers}`).toBe('answers not as Teams expects: none');
  });

  it('refuses forged and missing SSO tokens, cross-site requests, forged and replayed sign-in answers with 4xx, and never redirects off-site', async () => {
    await fuzzed;
    expect(`tab answers not refused: ${tabAnswers}`).toBe('tab answers not refused: none');
  });

  it('has no unhandled rejection or uncaught exception, and is still running', async () => {
    await fuzzed;
    const { faults } = await bot.probe();
    expect(faults).toEqual([]);
    expect(bot.alive()).toBe(true);
  });

  it('leaves every built-in prototype as it was', async () => {
    await fuzzed;
    const { pollution, plantedReads } = await bot.probe();
    expect(pollution).toEqual([]);
    expect(plantedReads).toEqual({});
  });

  it('keeps its memory flat: RSS after the last round within 10 % of the first', async () => {
    await fuzzed;
    const [first] = rounds;
    const last = rounds[rounds.length - 1]!;
    expect(rounds).toHaveLength(ROUNDS);
    expect(last.probe.rssBytes).toBeLessThanOrEqual(first!.probe.rssBytes * 1.1);
  });

  it('still associates a tenant afterwards, in a personal chat and in the Tenants tab', async () => {
    await fuzzed;
    const lidia = person('Lidia Holloway');
    const live = { ...world, teams };
    const chat = teams.personalChat(lidia);
    await associate(live, lidia, chat, 'pradeep@northwindtraders.com');
    const listed = (await teams.say(lidia, chat, 'tenants')).map(visibleText).join(' ');
    expect(listed).toContain('Northwind Traders');

    const signedIn = await postCallback(await entraAnswer(lidia, 'adele@fabrikam.com'));
    const requestId = /&quot;requestId&quot;:&quot;([^&]+)&quot;/.exec(signedIn)?.[1];
    expect(requestId).toBeDefined();
    const confirmed = await fetch(`${tabOrigin}/tab/api/requests/${requestId}/confirm`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sso(lidia)}` },
    });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toMatchObject({ state: 'completed' });
    const overview = await fetch(`${tabOrigin}/tab/api/overview`, {
      headers: { authorization: `Bearer ${sso(lidia)}` },
    });
    expect(JSON.stringify(await overview.json())).toContain('Fabrikam');
    expect((await bot.probe()).faults).toEqual([]);
  });
});

function requestIdOf(card: RecordedActivity): string {
  const content = cardOf(card) as
    | { refresh?: { action: { data: { requestId: string } } }; actions?: { data?: { requestId?: string } }[] }
    | undefined;
  const id =
    content?.refresh?.action.data.requestId ??
    content?.actions?.find((a) => a.data?.requestId)?.data?.requestId;
  if (!id) throw new Error(`No request id on the card: ${JSON.stringify(content)}`);
  return id;
}

/** Shuffles the round's activities and tab requests together (Fisher–Yates, seeded). */
function interleave<T>(items: T[], random: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

async function inParallel(jobs: (() => Promise<void>)[], width: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) await jobs[next++]!();
  };
  await Promise.all(Array.from({ length: width }, lane));
}

function preview(body: unknown): string {
  return (typeof body === 'string' ? body : (JSON.stringify(body) ?? '')).slice(0, 300);
}
