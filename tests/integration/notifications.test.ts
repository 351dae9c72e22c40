import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cluster } from 'ioredis';
import { createMemoryStores } from '../../bot/infra/memory/memoryStores';
import { createMemoryNotificationStores, startNotifications } from '../../bot/notifications';
import { deliveryId } from '../../bot/notifications/deliveryIds';
import { deliveryPolicy } from '../../bot/notifications/deliveryPolicy';
import type { ConversationRef } from '../../bot/notifications/model';
import { recipientsOf } from '../../bot/notifications/recipients';
import { enqueueDeliveries } from '../../bot/notifications/redis/deliveryQueue';
import { RELAY_GROUP } from '../../bot/notifications/redis/outboxRelay';
import { RedisKeys } from '../../bot/redis/keys';
import { mostInAnyWindow, NotificationWorld, waitUntil } from '../support/notificationWorld';
import { redisCluster, redisDeployments } from '../support/redisDeployments';
import { startRedisServer } from '../support/redisServer';

jest.setTimeout(90_000);

let world: NotificationWorld;

/** Each of these conversations has exactly `count` messages, and nothing else arrives meanwhile. */
async function expectMessages(
  refs: ConversationRef[],
  count: number,
  settleMs = 1_500,
  on = world,
): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const counts = Object.fromEntries(refs.map((r) => [r.conversationId, on.sends(r.conversationId).length]));
  expect(counts).toEqual(Object.fromEntries(refs.map((r) => [r.conversationId, count])));
}

async function allTold(refs: ConversationRef[], timeoutMs = 30_000, on = world): Promise<void> {
  await waitUntil(
    () => refs.every((r) => on.sends(r.conversationId).length > 0),
    timeoutMs,
    `${refs.length} conversations to get their message`,
  );
}

describe.each(redisDeployments())('notifications on $name', (deployment) => {
  beforeEach(async () => {
    world = await NotificationWorld.start({ deployment });
  });
  afterEach(() => world.close());

  describe('relay, queue and workers against the Bot Connector over HTTP', () => {
    test('everyone is told once, through throttling, server errors and timeouts; blocked chats are forgotten; a refused message is a dead letter', async () => {
      const audience = await world.seedAudience({ managers: 8, channels: 14 });
      const { recipients, managers, channels } = audience;
      const [throttled, unavailable, badGateway, gatewayTimeout, precondition, slow] = channels;
      const [blocked, removedBot, deleted, refused] = [managers[0], channels[6], channels[7], channels[8]];
      world.faultFor(throttled.conversationId, { status: 429, retryAfterSeconds: 1, times: 2 });
      world.faultFor(unavailable.conversationId, { status: 503, times: 2 });
      world.faultFor(badGateway.conversationId, { status: 502 });
      world.faultFor(gatewayTimeout.conversationId, { status: 504 });
      world.faultFor(precondition.conversationId, { status: 412 });
      // Longer than the sender waits: the request is abandoned, and retried.
      world.faultFor(slow.conversationId, { delayMs: 3_000 });
      world.faultFor(blocked.conversationId, { status: 403, code: 'ConversationBlockedByUser' });
      world.faultFor(removedBot.conversationId, { status: 403, code: 'BotNotInConversationRoster' });
      world.faultFor(deleted.conversationId, { status: 404 });
      world.faultFor(refused.conversationId, { status: 400, code: 'BadArgument', times: 10 });
      const unreachable = [blocked, removedBot, deleted, refused];
      const reachable = recipients.filter((r) => !unreachable.includes(r));

      const notifications = await world.startNotifications();
      const event = await world.completeRequest(
        world.owner(audience.requester),
        audience.requestChat.conversationId,
      );

      await allTold(reachable);
      await waitUntil(async () => (await notifications.deadLetters()).length > 0, 10_000, 'the dead letter');
      await expectMessages(reachable, 1);
      await expectMessages([...unreachable, audience.requestChat], 0, 0);

      for (const gone of [blocked, removedBot, deleted]) {
        expect(await world.stores.conversations.get(world.accountId, gone.conversationId)).toBeUndefined();
      }
      expect(
        await world.stores.conversations.personalOf(world.accountId, { ...blocked.user! }),
      ).toBeUndefined();
      expect(await world.stores.conversations.get(world.accountId, refused.conversationId)).toEqual(refused);
      expect(await notifications.deadLetters()).toEqual([
        expect.objectContaining({
          deliveryId: deliveryId(event.id, refused.conversationId),
          conversationId: refused.conversationId,
          kind: 'rejected',
          organization: 'Contoso Ltd',
          reason: expect.stringContaining('400'),
        }),
      ]);

      const card = world.sends(managers[1].conversationId)[0].body as { attachments: { content: unknown }[] };
      const text = JSON.stringify(card.attachments[0].content);
      for (const expected of ['Contoso Ltd', 'contoso.com', 'requester', 'approver', 'Not our subsidiary']) {
        expect(text).toContain(expected);
      }
      expect(text).toContain('https://teams.microsoft.com/l/entity/teams-app-1/tenants');
    });

    test("many messages into one conversation keep to Teams' per-conversation limits, with no 429", async () => {
      const audience = await world.seedAudience({ managers: 0, channels: 1 });
      const [channel] = audience.channels;
      const requester = world.person('someone without the app');
      await world.startNotifications();

      for (let i = 0; i < 18; i++)
        await world.completeRequest(requester, audience.requestChat.conversationId);

      await waitUntil(() => world.sends(channel.conversationId).length >= 18, 30_000, '18 messages');
      await expectMessages([channel], 18, 1_000);
      const times = world.sends(channel.conversationId).map((o) => o.at);
      expect(mostInAnyWindow(times, 1_000)).toBeLessThanOrEqual(7);
      expect(mostInAnyWindow(times, 2_000)).toBeLessThanOrEqual(8);
      // The connector enforces the limits with 429: the limiter kept every send under them.
      expect(world.sandbox.connector.throttled()).toEqual([]);
    });

    test('deliveries into many conversations of one tenant keep to its limit per second', async () => {
      const audience = await world.seedAudience({ managers: 20, channels: 100 });
      await world.startNotifications();

      await world.completeRequest(world.owner(audience.requester), audience.requestChat.conversationId);

      await allTold(audience.recipients);
      await expectMessages(audience.recipients, 1, 500);
      const times = world.sends().map((o) => o.at);
      expect(mostInAnyWindow(times, 1_000)).toBeLessThanOrEqual(50);
      // How close to the limit a large fan-out gets is a budget, measured by `npm run bench`.
      expect(world.sandbox.connector.throttled()).toEqual([]);
    });
  });

  describe('crashes', () => {
    test('a worker killed mid-delivery and another started: no message is lost or sent twice', async () => {
      const audience = await world.seedAudience({ managers: 10, channels: 50 });
      // Slow enough (20 a second) that the kill lands while deliveries are in flight.
      const policy = { limits: { conversation: [], tenant: [{ limit: 20, windowMs: 1_000 }] } };
      const first = await world.spawnWorker(policy);
      await world.completeRequest(world.owner(audience.requester), audience.requestChat.conversationId);
      await waitUntil(() => world.sends().length >= 15, 30_000, '15 messages');

      // From now on the connector holds every send; the kill finds requests in flight and jobs locked mid-send.
      world.sandbox.connector.faults.push({ method: 'POST', delayMs: 5_000, times: 10_000 });
      await waitUntil(
        () => (world.sandbox.connector.faults[0]?.times ?? 0) < 10_000,
        10_000,
        'a send in flight',
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const beforeKill = world.sends().length;
      first.kill('SIGKILL');
      await new Promise((resolve) => first.once('exit', resolve));
      world.sandbox.connector.faults.length = 0;
      expect(beforeKill).toBeLessThan(audience.recipients.length);

      await world.spawnWorker(policy);
      await allTold(audience.recipients, 45_000);
      await expectMessages(audience.recipients, 1);
    });

    test('a completion written while no worker ran (the bot died right after it) is delivered once when one starts', async () => {
      const audience = await world.seedAudience({ managers: 5, channels: 5 });
      await world.completeRequest(world.owner(audience.requester), audience.requestChat.conversationId);
      expect(await world.stores.outbox.pending(world.accountId, 10)).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(world.sends()).toEqual([]);

      await world.startNotifications();

      await allTold(audience.recipients);
      await expectMessages(audience.recipients, 1);
      expect(await world.stores.outbox.pending(world.accountId, 10)).toEqual([]);
    });

    test('a relay that died after queuing but before acknowledging: its entry is taken over and nothing is sent twice', async () => {
      const audience = await world.seedAudience({ managers: 3, channels: 3 });
      const event = await world.completeRequest(
        world.owner(audience.requester),
        audience.requestChat.conversationId,
      );
      const outbox = world.keys.outbox(world.accountId);
      // The dead relay: it took the entry and queued its deliveries, then died before XACK.
      await world.client.xgroup('CREATE', outbox, RELAY_GROUP, '0', 'MKSTREAM');
      await world.client.xreadgroup('GROUP', RELAY_GROUP, 'dead-relay', 'COUNT', 10, 'STREAMS', outbox, '>');
      await world.withQueue(async (queue) =>
        enqueueDeliveries(queue, event, await recipientsOf(event, world.stores), deliveryPolicy()),
      );

      await world.startNotifications();

      await allTold(audience.recipients);
      await waitUntil(
        async () => (await world.stores.outbox.pending(world.accountId, 10)).length === 0,
        10_000,
        'the entry to be taken over',
      );
      await expectMessages(audience.recipients, 1);
    });
  });

  describe('idempotency', () => {
    test('deliveries queued again after their jobs were forgotten are not sent again', async () => {
      const audience = await world.seedAudience({ managers: 2, channels: 3 });
      await world.startNotifications();
      const event = await world.completeRequest(
        world.owner(audience.requester),
        audience.requestChat.conversationId,
      );
      await allTold(audience.recipients);

      // A relay re-running long after: BullMQ no longer holds the completed jobs, only the delivered marks remain.
      await world.withQueue(async (queue) => {
        await waitUntil(
          async () => (await queue.getCompletedCount()) === audience.recipients.length,
          5_000,
          'jobs done',
        );
        await queue.clean(0, 1_000, 'completed');
        await enqueueDeliveries(queue, event, await recipientsOf(event, world.stores), deliveryPolicy());
        await waitUntil(
          async () => (await queue.getCompletedCount()) === audience.recipients.length,
          10_000,
          're-run',
        );
      });

      await expectMessages(audience.recipients, 1, 500);
    });
  });
});

test("on a Redis Cluster the delivery queue's keys share one hash slot, as BullMQ's scripts need", async () => {
  world = await NotificationWorld.start({ deployment: redisCluster() });
  try {
    const audience = await world.seedAudience({ managers: 2, channels: 2 });
    await world.startNotifications();
    await world.completeRequest(world.owner(audience.requester), audience.requestChat.conversationId);
    await allTold(audience.recipients);

    const cluster = world.client as Cluster;
    const slots = new Set<number>();
    const holders = new Set<string>();
    for (const node of cluster.nodes('master')) {
      const keys = await node.keys(`${world.keys.queuePrefix}:*`);
      if (keys.length > 0) holders.add(`${node.options.host}:${node.options.port}`);
      for (const key of keys) slots.add(Number(await node.cluster('KEYSLOT', key)));
    }
    expect({ nodes: holders.size, slots: slots.size }).toEqual({ nodes: 1, slots: 1 });
  } finally {
    await world.close();
  }
});

test('Redis crashing and coming back mid-delivery: no message is lost or sent twice', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcta-notify-redis-'));
  let redis = await startRedisServer(undefined, { durableIn: dir });
  const own = await NotificationWorld.start({ redisUrl: redis.url });
  try {
    const audience = await own.seedAudience({ managers: 10, channels: 40 });
    await own.startNotifications({ limits: { conversation: [], tenant: [{ limit: 20, windowMs: 1_000 }] } });
    await own.completeRequest(own.owner(audience.requester), audience.requestChat.conversationId);
    await waitUntil(() => own.sends().length >= 10, 20_000, '10 messages');

    await redis.stop('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    redis = await startRedisServer(redis.port, { durableIn: dir });

    await allTold(audience.recipients, 45_000, own);
    // Jobs whose locks lapsed during the outage run again: the claim and the delivered mark keep them from resending.
    await expectMessages(audience.recipients, 1, 4_000, own);
  } finally {
    await own.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('notifications: the sandbox connector and local mode', () => {
  beforeEach(async () => {
    world = await NotificationWorld.start();
  });
  afterEach(() => world.close());

  test("the connector answers 429 with Retry-After past Teams' limits, and the sender says when to retry", async () => {
    const [channel] = (await world.seedAudience({ managers: 0, channels: 1 })).channels;
    const event = await world.completeRequest(world.person('someone'), 'elsewhere');
    const sender = world.sender();

    const outcomes = [];
    for (let i = 0; i < 8; i++) outcomes.push(await sender.send(channel, event));

    expect(outcomes.slice(0, 7)).toEqual(Array(7).fill({ kind: 'delivered' }));
    expect(outcomes[7]).toEqual({ kind: 'retry', reason: expect.stringContaining('429'), afterMs: 1_000 });
    expect(world.sends(channel.conversationId)).toHaveLength(7);
  });

  test('without Redis (local mode) deliveries still keep to the limits and retry, in the process', async () => {
    const notificationStores = createMemoryNotificationStores();
    const stores = {
      ...createMemoryStores({ outbox: notificationStores.outbox }),
      ...notificationStores,
    };
    const audience = await world.seedAudience({ managers: 3, channels: 3 }, stores);
    world.faultFor(audience.channels[0].conversationId, { status: 429, retryAfterSeconds: 1 });
    world.faultFor(audience.managers[0].conversationId, { status: 503 });
    const notifications = await startNotifications({
      keys: new RedisKeys(world.prefix),
      members: stores.members,
      stores,
      sender: world.sender(),
      accountId: world.accountId,
      log: () => undefined,
      policy: { retryBaseMs: 100 },
    });
    try {
      expect(notifications.durable).toBe(false);
      await world.completeRequest(
        world.owner(audience.requester),
        audience.requestChat.conversationId,
        stores,
      );

      await allTold(audience.recipients, 15_000);
      await expectMessages(audience.recipients, 1);
      await expectMessages([audience.requestChat], 0, 0);
      expect(await stores.outbox.pending(world.accountId, 10)).toEqual([]);
    } finally {
      await notifications.close();
    }
  });
});
