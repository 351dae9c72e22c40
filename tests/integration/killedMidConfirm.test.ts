import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { createRedisStores } from '../../bot/infra/redis/redisStores';
import type { Stores } from '../../bot/infra/stores';
import { createRedisNotificationStores, type NotificationStores } from '../../bot/notifications';
import { connectRedis } from '../../bot/redis/connection';
import { RedisKeys } from '../../bot/redis/keys';
import type { RecordedActivity, TeamsUser } from '../../sandbox';
import { startBotProcess, type BotProcess } from '../support/botProcess';
import { reviewCardFor } from '../support/flows';
import { waitUntil } from '../support/notificationWorld';
import { oneRedis } from '../support/redisDeployments';
import { startRedisServer, type RunningRedis } from '../support/redisServer';
import { cardActions, visibleText, type Conversation } from '../support/teamsChannel';
import { startWorld, type World } from '../support/world';

jest.setTimeout(120_000);

/** The three tenants of the demo directory a Manager associates, each from a chat of their own. */
const TENANTS = [
  { upn: 'alex@contoso.com', org: 'Contoso Ltd' },
  { upn: 'grady@fabrikam.com', org: 'Fabrikam, Inc.' },
  { upn: 'pradeep@northwindtraders.com', org: 'Northwind Traders' },
];

interface Review {
  org: string;
  requestId: string;
  chat: Conversation;
  card: RecordedActivity;
}

/**
 * A deployment on a durable redis-server (every write fsynced before it is acknowledged) whose turns and
 * deliveries run in a bot process of their own, and what a Manager prepared there: a review card for each
 * tenant, Lidia (a Manager) with the app installed and a subscribed channel, who hear about associations.
 */
class Deployment {
  private constructor(
    readonly dir: string,
    public redis: RunningRedis,
    readonly world: World,
    public bot: BotProcess,
    /** The id of the bot process's store connection, as Redis knows it. */
    public botClient: number,
    readonly inspect: Redis,
    readonly stores: Stores & NotificationStores,
    readonly hearing: Conversation[],
    readonly reviews: Review[],
  ) {}

  static async start(): Promise<Deployment> {
    const dir = mkdtempSync(join(tmpdir(), 'pcta-confirm-'));
    const redis = await startRedisServer(undefined, { durableIn: dir });
    // This in-test process only sets the deployment up (its people); the bot process takes the turns and
    // delivers the notifications.
    const world = await startWorld({ env: { ...oneRedis(redis.url).env, NOTIFICATION_WORKERS: 'off' } });
    const inspect = await connectRedis(redis.url, { maxReconnectDelayMs: 100 });
    const { bot, botClient } = await Deployment.startBot(world, inspect);
    const { teams } = bot.world;
    const [nestor, lidia] = [teams.user('Nestor Wilke'), teams.user('Lidia Holloway')];
    const lidiaChat = teams.personalChat(lidia);
    await teams.post(teams.activity(lidia, lidiaChat, { type: 'installationUpdate', action: 'add' }));
    const channel = teams.channelThread();
    await teams.say(nestor, channel, 'notify here');
    const reviews: Review[] = [];
    for (const { upn, org } of TENANTS) {
      const chat = teams.personalChat(nestor);
      const card = await reviewCardFor(bot.world, nestor, chat, upn);
      const requestId = cardActions(card).find((a) => a.verb === 'confirm')?.data?.requestId as string;
      reviews.push({ org, requestId, chat, card });
    }
    const keys = new RedisKeys(world.keyPrefix);
    const stores = { ...createRedisStores(inspect, keys), ...createRedisNotificationStores(inspect, keys) };
    const hearing = [lidiaChat, { ...channel, id: channel.channelId }];
    return new Deployment(dir, redis, world, bot, botClient, inspect, stores, hearing, reviews);
  }

  /** startApp opens its store connection before any other: the bot process's first new connection. */
  static async startBot(world: World, inspect: Redis): Promise<{ bot: BotProcess; botClient: number }> {
    const before = new Set(await connectionIds(inspect));
    const bot = await startBotProcess(world);
    const botClient = Math.min(...(await connectionIds(inspect)).filter((id) => !before.has(id)));
    return { bot, botClient };
  }

  async restartBot(): Promise<void> {
    Object.assign(this, await Deployment.startBot(this.world, this.inspect));
  }

  get accountId(): string {
    return this.world.env.ACCOUNT_ID;
  }

  get nestor(): TeamsUser {
    return this.bot.world.teams.user('Nestor Wilke');
  }

  confirm(review: Review) {
    return this.bot.world.teams.press(this.nestor, review.chat, review.card, 'confirm');
  }

  /** The notifications about `org` each conversation that hears about associations has had. */
  told(org: string): number[] {
    return this.hearing.map(
      (chat) => this.world.teams.replies(chat).filter((a) => visibleText(a).includes(org)).length,
    );
  }

  /**
   * Complete or absent, never half: the request's state, the association and its first Manager (R11), the
   * history entry, and the notification, all or none of them.
   */
  async outcomeOf(review: Review): Promise<'complete' | 'absent'> {
    const request = await this.stores.requests.get(this.accountId, review.requestId);
    if (!request || request.kind === 'remove') throw new Error(`no association request ${review.requestId}`);
    const { tenantId, user } = request.signIn;
    const association = await this.stores.associations.get(this.accountId, tenantId);
    const manager = await this.stores.members.get(this.accountId, { tenantId, objectId: user.objectId });
    const history = (await this.stores.audit.recent(this.accountId, 500)).filter(
      (e) => e.requestId === review.requestId && e.action === 'association.completed',
    );
    const facts = {
      state: request.state,
      associatedBy: association?.requestId === review.requestId,
      firstManager: manager !== undefined,
      history: history.length,
      told: this.told(review.org),
    };
    const complete = {
      state: 'completed',
      associatedBy: true,
      firstManager: true,
      history: 1,
      told: [1, 1],
    };
    const absent = {
      state: 'awaitingConfirm',
      associatedBy: false,
      firstManager: false,
      history: 0,
      told: [0, 0],
    };
    expect([complete, absent]).toContainEqual(facts);
    return facts.state === 'completed' ? 'complete' : 'absent';
  }

  /** Every notification relayed and every delivery finished, then a moment for a duplicate to show. */
  async settled(): Promise<void> {
    await waitUntil(
      async () => (await this.stores.outbox.pending(this.accountId, 10)).length === 0,
      30_000,
      'the outbox to be relayed',
    );
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  }

  async close(): Promise<void> {
    await this.bot.kill('SIGTERM');
    await this.world.close();
    this.inspect.disconnect();
    await this.redis.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The ids of the connections a Redis holds now. */
async function connectionIds(redis: Redis): Promise<number[]> {
  const list = (await redis.call('CLIENT', 'LIST')) as string;
  return [...list.matchAll(/^id=(\d+) /gm)].map((m) => Number(m[1]));
}

async function connection(redis: Redis, id: number): Promise<string | undefined> {
  const list = (await redis.call('CLIENT', 'LIST')) as string;
  return list.split('\n').find((line) => line.startsWith(`id=${id} `));
}

describe('a bot process killed (SIGKILL) while Confirms are in flight', () => {
  let deployment: Deployment | undefined;
  afterEach(async () => {
    await deployment?.close();
    deployment = undefined;
  });

  /**
   * Kills the bot process with one Confirm past its atomic step (Teams holds its card update, so its turn is
   * unanswered, and its notifications' sends), and one whose write was sent and waits in Redis (writes
   * paused); `alsoRedis` kills the Redis server at the same instant and brings it back from its file.
   */
  async function killMidConfirm(d: Deployment, alsoRedis: boolean): Promise<void> {
    const { connector } = d.world.sandbox;
    const { inspect } = d;
    const [past, sent] = d.reviews;
    const HELD = 1_000;
    connector.faults.push({ method: 'PUT', delayMs: 120_000, times: HELD });
    for (const chat of d.hearing) {
      const path = `/v3/conversations/${encodeURIComponent(chat.id)}/activities`;
      connector.faults.push({ method: 'POST', path, delayMs: 120_000, times: HELD });
    }
    const taken = (i: number) => (connector.faults[i]?.times ?? HELD) < HELD;
    // The killed turns never answer: their deliveries fail when the process dies.
    const cutOff = (delivery: Promise<unknown>) => void delivery.catch(() => undefined);

    cutOff(d.confirm(past));
    await waitUntil(() => taken(0), 20_000, 'the first Confirm to update its card');
    await waitUntil(() => taken(1) || taken(2), 20_000, 'a notification being sent');
    await inspect.call('CLIENT', 'PAUSE', '60000', 'WRITE');
    cutOff(d.confirm(sent));
    await waitUntil(
      // Its store connection never blocks otherwise: postponed by the pause.
      async () => / flags=\w*b/.test((await connection(inspect, d.botClient)) ?? ''),
      20_000,
      "the second Confirm's write to wait in Redis",
    );

    await Promise.all([d.bot.kill('SIGKILL'), alsoRedis ? d.redis.stop('SIGKILL') : null]);
    connector.faults.length = 0;
    if (alsoRedis) {
      d.redis = await startRedisServer(d.redis.port, { durableIn: d.dir });
      await waitUntil(() => inspect.status === 'ready', 20_000, 'Redis to be back');
    } else {
      // Once Redis has seen the process go, it drops what that connection was waiting to run.
      await waitUntil(
        async () => (await connection(inspect, d.botClient)) === undefined,
        20_000,
        'Redis to see the bot process gone',
      );
      await inspect.call('CLIENT', 'UNPAUSE');
    }
    await d.restartBot();
  }

  test.each([
    { alsoRedis: false, what: 'Redis stays up' },
    { alsoRedis: true, what: 'Redis is killed at the same instant and restarts from its file' },
  ])(
    '$what: each association is complete or absent, never half, and its notifications go out once',
    async ({ alsoRedis }) => {
      const d = await Deployment.start();
      deployment = d;
      const [past, sent, untouched] = d.reviews;
      await killMidConfirm(d, alsoRedis);

      await d.settled();
      expect(await d.outcomeOf(past)).toBe('complete');
      expect(await d.outcomeOf(sent)).toBe('absent');
      expect(await d.outcomeOf(untouched)).toBe('absent');

      // Nestor presses Confirm again on each card: the one that went through says so, the others complete now.
      const again = await Promise.all(d.reviews.map((r) => d.confirm(r)));
      const said = again.map((d) => JSON.stringify(d.body));
      expect(said[0]).toContain('This request was already completed by Nestor Wilke');
      for (const text of said) expect(text).toContain('Associated by Nestor Wilke');
      // The card left as it was by the killed turn now shows the outcome in the chat too.
      expect(visibleText(d.world.teams.current(past.card.id, past.chat))).toContain(
        'Associated by Nestor Wilke',
      );
      await d.settled();
      for (const review of d.reviews) expect(await d.outcomeOf(review)).toBe('complete');
      const listed = (await d.bot.world.teams.say(d.nestor, past.chat, 'tenants')).map(visibleText).join();
      for (const { org } of TENANTS) expect(listed.split(org)).toHaveLength(2);
    },
  );
});
