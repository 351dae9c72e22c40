import type { DeadLetter, Requeued } from '../../bot/notifications';
import { NotificationWorld, waitUntil } from '../support/notificationWorld';
import { redisDeployments } from '../support/redisDeployments';

jest.setTimeout(90_000);

describe.each(redisDeployments())('an operator requeues dead letters on $name', (deployment) => {
  let world: NotificationWorld;
  beforeEach(async () => {
    world = await NotificationWorld.start({ deployment });
  });
  afterEach(() => world.close());

  const deadLetters = async (): Promise<DeadLetter[]> => {
    const listed = await world.operator('dead-letters', ['--json']);
    expect(listed.code).toBe(0);
    return JSON.parse(listed.stdout) as DeadLetter[];
  };
  const requeue = async (...args: string[]) => {
    const run = await world.operator('requeue', [...args, '--json']);
    if (run.code !== 0 && !run.stdout) throw new Error(`the command failed: ${run.stderr}`);
    return { code: run.code, requeued: JSON.parse(run.stdout) as Requeued[] };
  };

  test('each dead letter is delivered once however often it is requeued, by name or with --all', async () => {
    const audience = await world.seedAudience({ managers: 1, channels: 3 });
    const [first, second] = audience.channels;
    // Teams refuses these once, as it would a malformed message: not retried, kept for an operator.
    world.faultFor(first.conversationId, { status: 400, code: 'BadArgument', times: 1 });
    world.faultFor(second.conversationId, { status: 400, code: 'BadArgument', times: 1 });
    const notifications = await world.startNotifications();
    await world.completeRequest(world.owner(audience.requester), audience.requestChat.conversationId);
    await waitUntil(async () => (await notifications.deadLetters()).length === 2, 20_000, 'two dead letters');
    const told = audience.recipients.filter((r) => r !== first && r !== second);
    await waitUntil(
      () => told.every((r) => world.sends(r.conversationId).length === 1),
      20_000,
      'the others',
    );

    const letters = await deadLetters();
    expect(letters.map((l) => l.conversationId).sort()).toEqual(
      [first.conversationId, second.conversationId].sort(),
    );
    const byConversation = (ref: { conversationId: string }) =>
      letters.find((l) => l.conversationId === ref.conversationId)!.deliveryId;

    // Two operators requeue the same dead letter at once: it goes back once.
    const both = await Promise.all([requeue(byConversation(first)), requeue(byConversation(first))]);
    expect(both.map((r) => r.code)).toEqual([0, 0]);
    expect(both.flatMap((r) => r.requeued.map((q) => q.outcome)).sort()).toEqual([
      'notADeadLetter',
      'requeued',
    ]);
    await waitUntil(() => world.sends(first.conversationId).length > 0, 20_000, 'the requeued message');
    expect(await deadLetters()).toEqual([expect.objectContaining({ conversationId: second.conversationId })]);

    // --all takes what is dead now; the letter delivered since is not one any more.
    expect((await requeue('--all')).requeued).toEqual([
      { deliveryId: byConversation(second), outcome: 'requeued' },
    ]);
    await waitUntil(() => world.sends(second.conversationId).length > 0, 20_000, 'the second message');
    expect(await requeue('--all')).toEqual({ code: 0, requeued: [] });
    expect((await requeue(byConversation(first))).requeued).toEqual([
      { deliveryId: byConversation(first), outcome: 'notADeadLetter' },
    ]);
    expect(await requeue('no-such-delivery')).toEqual({
      code: 1,
      requeued: [{ deliveryId: 'no-such-delivery', outcome: 'unknown' }],
    });

    // Settled: everyone heard exactly once, the request's own chat not at all, and nothing is left dead.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const counts = (refs: { conversationId: string }[]) =>
      refs.map((r) => world.sends(r.conversationId).length);
    expect(counts(audience.recipients)).toEqual(audience.recipients.map(() => 1));
    expect(counts([audience.requestChat])).toEqual([0]);
    expect(await deadLetters()).toEqual([]);
  });

  test('what the operator reads: each dead letter with the delivery to requeue, and how', async () => {
    const [channel] = (await world.seedAudience({ managers: 0, channels: 1 })).channels;
    world.faultFor(channel.conversationId, { status: 400, code: 'BadArgument', times: 1 });
    const notifications = await world.startNotifications();
    await world.completeRequest(world.person('someone'), 'elsewhere');
    await waitUntil(async () => (await notifications.deadLetters()).length === 1, 20_000, 'the dead letter');
    const [letter] = await notifications.deadLetters();

    const listed = await world.operator('dead-letters');
    expect(listed.stdout).toContain(`to ${channel.conversationId}`);
    expect(listed.stdout).toContain(`delivery ${letter.deliveryId}`);
    expect(listed.stdout).toContain('npm run notifications:requeue -- <delivery>');

    const requeued = await world.operator('requeue', [letter.deliveryId]);
    expect(requeued.code).toBe(0);
    expect(requeued.stdout).toContain('1 dead letter(s) requeued');
    expect(requeued.stdout).toContain(`${letter.deliveryId}: requeued`);
    const usage = await world.operator('requeue');
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('Name the deliveries to requeue, or --all');
  });
});
