import { TestAdapter, type Activity } from 'botbuilder';
import { Attempts } from '../../bot/core/attempts';
import { TenantSignIn } from '../../bot/core/tenantSignIn';
import { MemoryAttemptLimiter } from '../../bot/infra/memory/memoryAttemptLimiter';
import { MemoryConversationStore } from '../../bot/notifications/memory/conversationStore';
import { Subscriptions } from '../../bot/notifications/subscriptions';
import { ChatStateStore } from '../../bot/state/chatState';
import { MemoryStateStorage } from '../../bot/state/memoryStateStorage';
import { MemoryOnceGate } from '../../bot/infra/memory/memoryOnceGate';
import { TeamsBot } from '../../bot/teams/bot';
import {
  contosoSignIn,
  coreWorld,
  developer,
  manager,
  stranger,
  TEAMS_TENANT,
} from '../support/coreFixtures';

/**
 * The Teams edge without a server: botbuilder's TestAdapter plays the channel, the core runs on memory
 * stores. What needs the token service (the sign-in card) is covered over HTTP in tests/integration.
 */
async function edge(as = manager, conversationType: 'personal' | 'groupChat' = 'personal') {
  const { service, users, stores, clock } = await coreWorld();
  const conversations = new MemoryConversationStore();
  const bot = new TeamsBot(
    {
      account: service.account,
      association: service,
      signIn: new TenantSignIn({
        association: service,
        users,
        directory: { describe: () => Promise.reject(new Error('not reached in these tests')) },
        gate: new MemoryOnceGate(clock),
        clock,
        signInLifetimeMs: 60_000,
      }),
      users,
      userSearch: {
        search: () => Promise.reject(new Error('not reached in these tests')),
        byIds: () => Promise.reject(new Error('not reached in these tests')),
      },
      attempts: new Attempts(new MemoryAttemptLimiter(clock)),
      subscriptions: new Subscriptions({ account: service.account, members: stores.members, conversations }),
      conversations,
      clock,
      connectionName: 'TenantSignIn',
      log: () => undefined,
    },
    new ChatStateStore(new MemoryStateStorage({ clock })),
  );
  const adapter = new TestAdapter(async (context) => bot.run(context), {
    channelId: 'msteams',
    from: { id: `29:${as.objectId}`, name: as.displayName, aadObjectId: as.objectId },
    conversation: {
      id: `conv-${conversationType}`,
      conversationType,
      tenantId: TEAMS_TENANT,
      isGroup: false,
    },
  } as Partial<Activity>);

  /** What the bot sent during one turn; TestAdapter queues the invoke response with the rest. */
  const turn = async (activity: Partial<Activity>) => {
    const before = adapter.activeQueue.length;
    await adapter.processActivity(activity);
    const queued = adapter.activeQueue.splice(before);
    const sent = queued.filter((a) => a.type !== 'invokeResponse');
    const invokeResponse = queued.find((a) => a.type === 'invokeResponse')?.value;
    return { texts: sent.map((a) => a.text ?? ''), sent, invokeResponse };
  };
  return { turn, conversations, service };
}

const say = (text: string): Partial<Activity> => ({ type: 'message', text });
const invoke = (name: string, value: unknown = {}): Partial<Activity> => ({ type: 'invoke', name, value });

describe('the Teams edge, routed by bot/teams/routes.ts', () => {
  it('help lists the commands, and unknown text repeats it after saying what was not understood', async () => {
    const { turn } = await edge();
    expect((await turn(say('help'))).texts[0]).toContain('**associate tenant**');
    const unknown = (await turn(say('delete everything'))).texts[0];
    expect(unknown).toContain('I didn\'t understand "delete everything"');
    expect(unknown).toContain('**tenants**');
  });

  it('R1: someone who is not a user of the account is refused the tenant list and told whom to ask', async () => {
    const { turn } = await edge(stranger);
    expect((await turn(say('tenants'))).texts[0]).toContain("you aren't a user of that account");
  });

  it('a code typed with no sign-in in progress says how to start one', async () => {
    const { turn } = await edge(developer);
    expect((await turn(say('123456'))).texts).toEqual([
      'There is no tenant sign-in in progress. Type **associate tenant** to start one.',
    ]);
  });

  it('signin/failure is answered 200 and the person is told the sign-in did not complete and how to retry', async () => {
    const { turn } = await edge();
    const failed = await turn(
      invoke('signin/failure', { code: 'resourcematchfailed', message: 'Resource match failed' }),
    );
    expect(failed.invokeResponse).toEqual({ status: 200 });
    expect(failed.texts[0]).toContain("didn't complete (Resource match failed)");
    expect(failed.texts[0]).toContain('**associate tenant**');
  });

  it('signin/tokenExchange is refused with 412 so Teams shows the sign-in button; unknown invokes get 501', async () => {
    const { turn } = await edge();
    expect((await turn(invoke('signin/tokenExchange', { id: 'x', token: 'y' }))).invokeResponse).toEqual({
      status: 412,
      body: { failureDetail: 'sso disabled' },
    });
    for (const name of ['composeExtension/query', '__proto__', 'constructor', '']) {
      const answered = await turn(invoke(name));
      expect({ name, response: answered.invokeResponse }).toEqual({ name, response: { status: 501 } });
    }
  });

  it('signin/tokenExchange from no one Teams identified is still 412: Teams reads a 200 as an exchange that worked', async () => {
    // Teams names every person by their Entra object id; this activity names no one.
    const { turn } = await edge({ ...manager, objectId: '' });
    expect((await turn(invoke('signin/tokenExchange', { id: 'x', token: 'y' }))).invokeResponse).toEqual({
      status: 412,
      body: { failureDetail: 'sso disabled' },
    });
  });

  it('a card verb the bot does not know, or a request id that is no id, gets a message for the clicker only', async () => {
    const { turn } = await edge();
    const bad = [
      { action: { type: 'Action.Execute', verb: 'delete', data: { requestId: 'r1' } } },
      { action: { type: 'Action.Execute', verb: 'confirm', data: { requestId: 'x'.repeat(101) } } },
      { action: { type: 'Action.Execute', verb: 'confirm', data: {} } },
      'not an object',
    ];
    for (const value of bad) {
      const answered = await turn(invoke('adaptiveCard/action', value));
      expect(answered.invokeResponse).toEqual({
        status: 200,
        body: {
          statusCode: 200,
          type: 'application/vnd.microsoft.activity.message',
          value: expect.stringContaining("That card action isn't something I know"),
        },
      });
      expect(answered.sent).toEqual([]);
    }
    const missing = await turn(
      invoke('adaptiveCard/action', { action: { verb: 'confirm', data: { requestId: 'r9' } } }),
    );
    expect(JSON.stringify(missing.invokeResponse)).toContain("I can't find that request");
  });

  it('Confirm on the review card associates the tenant and answers with the decided card; a second Confirm says so', async () => {
    const { turn, service } = await edge();
    const opened = await service.openRequest(
      manager,
      { conversationId: 'conv-personal', isGroup: false },
      contosoSignIn(),
    );
    if (!opened.ok) throw new Error(`not opened: ${opened.refusal.kind}`);
    const click = (verb: string) =>
      invoke('adaptiveCard/action', {
        action: { type: 'Action.Execute', verb, data: { requestId: opened.value.id } },
      });

    const refreshed = await turn(click('refresh'));
    expect(refreshed.invokeResponse).toMatchObject({
      status: 200,
      body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' },
    });
    expect(JSON.stringify(refreshed.invokeResponse)).toContain('"verb":"confirm"');

    const confirmed = await turn(click('confirm'));
    expect(confirmed.invokeResponse).toMatchObject({
      status: 200,
      body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' },
    });
    expect(JSON.stringify(confirmed.invokeResponse)).toContain('Contoso Ltd');
    expect(JSON.stringify(confirmed.invokeResponse)).not.toContain('"verb":"confirm"');
    expect(await service.find(opened.value.id)).toMatchObject({ state: 'completed' });

    const again = await turn(click('confirm'));
    expect(again.invokeResponse).toMatchObject({
      status: 200,
      body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' },
    });
    expect(JSON.stringify(again.invokeResponse)).toContain(
      'This request was already completed by Nestor Wilke.',
    );
    expect(await service.find(opened.value.id)).toMatchObject({ state: 'completed' });
  });

  it('notify here in a personal chat explains where subscriptions belong; a Developer cannot subscribe a chat', async () => {
    expect((await (await edge()).turn(say('notify here'))).texts[0]).toContain(
      'already hear about its tenants here',
    );
    const group = await edge(developer, 'groupChat');
    expect((await group.turn(say('notify here'))).texts[0]).toContain('Only users with the **Manager** role');
    expect(await group.conversations.subscriptions('acct-1')).toEqual([]);
  });

  it('installing the app remembers the conversation for notifications and says hello once', async () => {
    const { turn, conversations, service } = await edge();
    const installed = await turn({ type: 'installationUpdate', action: 'add' });
    expect(installed.texts[0]).toContain('Type **associate tenant** to begin');
    expect(await conversations.personalOf(service.account.id, manager)).toMatchObject({
      conversationId: 'conv-personal',
      kind: 'personal',
    });
    expect((await turn({ type: 'installationUpdate', action: 'remove' })).texts).toEqual([]);
    expect(await conversations.personalOf(service.account.id, manager)).toBeUndefined();
  });

  it('activity types the bot does not serve are ignored, whatever their name', async () => {
    const { turn } = await edge();
    for (const type of ['typing', 'messageReaction', '__proto__', 'toString']) {
      expect((await turn({ type })).sent).toEqual([]);
    }
  });
});
