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
  let deployment: Deployment;
  afterEach(() => deployment?.close());

  /**
   * Kills the bot process with one Confirm past its atomic step (Teams holds its card update, so its turn is
   * unanswered, and its notifications' sends), and one whose script was sent and waits in Redis (writes
   * paused); `alsoRedis` kills the Redis server at the same instant and brings it back from its file.
   */
  async function killMidConfirm(alsoRedis: boolean): Promise<void> {
    const { connector } = deployment.world.sandbox;
    const { inspect } = deployment;
    const [past, sent] = deployment.reviews;
    const HELD = 1_000;
    connector.faults.push({ method: 'PUT', delayMs: 120_000, times: HELD });
    for (const chat of deployment.hearing) {
      const path = `/v3/conversations/${encodeURIComponent(chat.id)}/activities`;
      connector.faults.push({ method: 'POST', path, delayMs: 120_000, times: HELD });
    }
    const taken = (i: number) => (connector.faults[i]?.times ?? HELD) < HELD;
    // The killed turns never answer: their deliveries fail when the process dies.
    const cutOff = (delivery: Promise<unknown>) => void delivery.catch(() => undefined);

    cutOff(deployment.confirm(past));
    await waitUntil(() => taken(0), 20_000, 'the first Confirm to update its card');
    await waitUntil(() => taken(1) || taken(2), 20_000, 'a notification being sent');
    await inspect.call('CLIENT', 'PAUSE', '60000', 'WRITE');
    cutOff(deployment.confirm(sent));
    await waitUntil(
      async () =>
        /flags=\w*b\w* .* cmd=evalsha/.test((await connection(inspect, deployment.botClient)) ?? ''),
      20_000,
      "the second Confirm's script to wait in Redis",
    );

    await Promise.all([deployment.bot.kill('SIGKILL'), alsoRedis ? deployment.redis.stop('SIGKILL') : null]);
    connector.faults.length = 0;
    if (alsoRedis) {
      deployment.redis = await startRedisServer(deployment.redis.port, { durableIn: deployment.dir });
      await waitUntil(() => inspect.status === 'ready', 20_000, 'Redis to be back');
    } else {
      // Once Redis has seen the process go, it drops what that connection was waiting to run.
      await waitUntil(
        async () => (await connection(inspect, deployment.botClient)) === undefined,
        20_000,
        'Redis to see the bot process gone',
      );
      await inspect.call('CLIENT', 'UNPAUSE');
    }
    await deployment.restartBot();
  }

  test.each([
    { alsoRedis: false, what: 'Redis stays up' },
    { alsoRedis: true, what: 'Redis is killed at the same instant and restarts from its file' },
  ])(
    '$what: each association is complete or absent, never half, and its notifications go out once',
    async ({ alsoRedis }) => {
      deployment = await Deployment.start();
      const [past, sent, untouched] = deployment.reviews;
      await killMidConfirm(alsoRedis);

      await deployment.settled();
      expect(await deployment.outcomeOf(past)).toBe('complete');
      expect(await deployment.outcomeOf(sent)).toBe('absent');
      expect(await deployment.outcomeOf(untouched)).toBe('absent');

      // Nestor presses Confirm again on each card: the one that went through says so, the others complete now.
      const again = await Promise.all(deployment.reviews.map((r) => deployment.confirm(r)));
      const said = again.map((d) => JSON.stringify(d.body));
      expect(said[0]).toContain('This request was already completed by Nestor Wilke');
      for (const text of said) expect(text).toContain('Associated by Nestor Wilke');
      // The card left as it was by the killed turn now shows the outcome in the chat too.
      expect(visibleText(deployment.world.teams.current(past.card.id, past.chat))).toContain(
        'Associated by Nestor Wilke',
      );
      await deployment.settled();
      for (const review of deployment.reviews) expect(await deployment.outcomeOf(review)).toBe('complete');
      const listed = (await deployment.bot.world.teams.say(deployment.nestor, past.chat, 'tenants'))
        .map(visibleText)
        .join();
      for (const { org } of TENANTS) expect(listed.split(org)).toHaveLength(2);
    },
  );
});
