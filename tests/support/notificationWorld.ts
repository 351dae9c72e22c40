import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../bot/config';
import type { AssociationRequest, NotificationEvent, Person } from '../../bot/core/model';
import { createRedisStores } from '../../bot/infra/redis/redisStores';
import type { Stores } from '../../bot/infra/stores';
import { testLog } from './testLog';
import {
  createRedisNotificationStores,
  type DeliveryPolicy,
  type NotificationStores,
  type RunningNotifications,
} from '../../bot/notifications';
import type { ConversationRef } from '../../bot/notifications/model';
import { openDeliveryQueue } from '../../bot/notifications/redis/deliveryQueue';
import {
  connectRedisTarget,
  openWaitingClient,
  type RedisClient,
  type RedisTarget,
} from '../../bot/redis/connection';
import { RedisKeys } from '../../bot/redis/keys';
import { notificationSenderFor, type TeamsNotificationSender } from '../../bot/teams/notificationSender';
import { startWorker } from '../../bot/worker';
import { startSandbox, type ConnectorOperation, type Sandbox } from '../../sandbox';
import { oneRedis, type RedisDeployment } from './redisDeployments';
import { deleteKeys } from './redisServer';

export { mostInAnyWindow } from './slidingWindows';

const BOT_PASSWORD = 'sandbox-secret';
const ROOT = join(__dirname, '..', '..');

/** Times short enough for tests: a crashed worker's jobs and claims are taken over within seconds. */
export const TEST_POLICY: Partial<DeliveryPolicy> = {
  attempts: 6,
  retryBaseMs: 200,
  retryMaxMs: 2_000,
  claimTtlMs: 3_000,
  lockDurationMs: 2_000,
  stalledIntervalMs: 1_000,
  relayClaimIdleMs: 1_000,
  relayBlockMs: 500,
};
export const TEST_SENDER_TIMEOUT_MS = 1_000;

export interface OperatorRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Every store a notification touches: members and requests (the core's), conversations and the outbox. */
export type WorldStores = Stores & NotificationStores;

/** Who a notification goes to, as they installed the app; `requestChat` is where the request was made. */
export interface Audience {
  requester: ConversationRef;
  managers: ConversationRef[];
  channels: ConversationRef[];
  requestChat: ConversationRef;
  /** Everyone who must be told: requester, managers, channels (not the request's own chat). */
  recipients: ConversationRef[];
}

/**
 * The notification machinery against the sandbox's Bot Connector over HTTP (JWT app tokens from the sandbox's
 * login), the real TeamsNotificationSender, and the test run's Redis under a key prefix of its own.
 */
export class NotificationWorld {
  private readonly running: RunningNotifications[] = [];
  private readonly children = new Set<ChildProcess>();
  readonly accountId: string;
  readonly prefix: string;
  readonly config: Config;

  private constructor(
    readonly sandbox: Sandbox,
    readonly env: Record<string, string>,
    readonly target: RedisTarget,
    readonly client: RedisClient,
    readonly stores: WorldStores,
  ) {
    this.accountId = env.ACCOUNT_ID;
    this.prefix = env.REDIS_KEY_PREFIX;
    this.config = loadConfig(env);
  }

  /**
   * On the test run's Redis unless told: `deployment` (its Cluster, say), or `redisUrl`, another Redis than
   * the test run's (one the test stops and starts).
   */
  static async start(
    options: { deployment?: RedisDeployment; redisUrl?: string } = {},
  ): Promise<NotificationWorld> {
    const deployment = options.deployment ?? oneRedis(options.redisUrl);
    // botbuilder caches app tokens per app id for the whole process: an app id per sandbox.
    const appId = randomUUID();
    const sandbox = await startSandbox({ requireAuth: true, botAppId: appId, botAppPassword: BOT_PASSWORD });
    const prefix = `test-notify-${randomUUID()}`;
    const env: Record<string, string> = {
      BOT_ID: appId,
      BOT_PASSWORD,
      BOT_TENANT_ID: sandbox.directory.teams.tenantId,
      OAUTH_CONNECTION_NAME: 'TenantSignIn',
      ACCOUNT_ID: `account-${randomUUID()}`,
      ...deployment.env,
      REDIS_KEY_PREFIX: prefix,
      TEAMS_APP_ID: 'teams-app-1',
      EXTRA_CA_FILE: sandbox.caCertPath,
      ...sandbox.botFrameworkAuthConfig(),
    };
    const client = await connectRedisTarget(deployment.target);
    const keys = new RedisKeys(prefix);
    const stores = { ...createRedisStores(client, keys), ...createRedisNotificationStores(client, keys) };
    return new NotificationWorld(sandbox, env, deployment.target, client, stores);
  }

  get keys(): RedisKeys {
    return new RedisKeys(this.prefix);
  }

  /** The delivery queue, as a relay or an operator opens it, for `use`. */
  async withQueue<T>(use: (queue: ReturnType<typeof openDeliveryQueue>) => Promise<T>): Promise<T> {
    const connection = openWaitingClient(this.target, () => undefined);
    const queue = openDeliveryQueue(connection, this.keys);
    try {
      return await use(queue);
    } finally {
      await queue.close();
      await connection.quit();
    }
  }

  get tenantId(): string {
    return this.sandbox.directory.teams.tenantId;
  }

  sender(timeoutMs = TEST_SENDER_TIMEOUT_MS): TeamsNotificationSender {
    return notificationSenderFor(this.config, timeoutMs);
  }

  /** Relay and workers in this process, as `npm run worker` starts them. */
  async startNotifications(policy: Partial<DeliveryPolicy> = {}): Promise<RunningNotifications> {
    const running = await startWorker(this.config, {
      log: testLog,
      policy: { ...TEST_POLICY, ...policy },
      senderTimeoutMs: TEST_SENDER_TIMEOUT_MS,
    });
    this.running.push(running);
    return running;
  }

  /** A worker process of its own (tests/support/notificationWorker.ts), resolved once it takes work. */
  async spawnWorker(policy: Partial<DeliveryPolicy> = {}): Promise<ChildProcess> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join('tests', 'support', 'notificationWorker.ts')],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          ...this.env,
          NOTIFICATION_POLICY: JSON.stringify({ ...TEST_POLICY, ...policy }),
          SENDER_TIMEOUT_MS: String(TEST_SENDER_TIMEOUT_MS),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the worker process did not start within 20 s')),
        20_000,
      );
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the worker process exited with ${code}`));
      });
    });
    return child;
  }

  /**
   * Runs an operator's command (`npm run notifications:<command>`) against this deployment, as a process of
   * its own with the deployment's environment.
   */
  operator(command: 'dead-letters' | 'requeue', args: string[] = []): Promise<OperatorRun> {
    const script = { 'dead-letters': 'notificationDeadLetters.ts', requeue: 'notificationRequeue.ts' }[
      command
    ];
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', join('scripts', script), ...args],
        { cwd: ROOT, env: { ...process.env, ...this.env } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  /** Saves the installations and memberships behind an audience: Managers, a requester, subscribed channels. */
  async seedAudience(
    counts: { managers: number; channels: number },
    stores: Pick<WorldStores, 'members' | 'conversations'> = this.stores,
  ): Promise<Audience> {
    const requesterPerson = this.person('requester');
    await stores.members.put({ ...requesterPerson, accountId: this.accountId, roles: ['Developer'] });
    const save = async (ref: ConversationRef) => {
      await stores.conversations.save(this.accountId, ref);
      return ref;
    };
    const requester = await save(this.personalChat(requesterPerson));
    const managers: ConversationRef[] = [];
    for (let i = 0; i < counts.managers; i++) {
      const manager = this.person(`manager-${i}`);
      await stores.members.put({ ...manager, accountId: this.accountId, roles: ['Manager'] });
      managers.push(await save(this.personalChat(manager)));
    }
    const channels: ConversationRef[] = [];
    for (let i = 0; i < counts.channels; i++) channels.push(await save(this.sharedChat('channel')));
    const requestChat = await save(this.sharedChat('groupChat'));
    for (const ref of [...channels, requestChat])
      await stores.conversations.subscribe(this.accountId, ref.conversationId);
    return { requester, managers, channels, requestChat, recipients: [requester, ...managers, ...channels] };
  }

  /** The person whose personal chat this is. */
  owner(ref: ConversationRef): Person {
    if (!ref.user) throw new Error(`${ref.conversationId} is not a personal chat`);
    return { ...ref.user, displayName: 'requester' };
  }

  person(name: string): Person {
    return { tenantId: this.tenantId, objectId: `oid-${name}-${randomUUID()}`, displayName: name };
  }

  personalChat(user: Person): ConversationRef {
    const id = `a:1${randomUUID().replace(/-/g, '')}`;
    return this.conversationRef(id, 'personal', {
      user: { tenantId: user.tenantId, objectId: user.objectId },
    });
  }

  sharedChat(kind: 'channel' | 'groupChat'): ConversationRef {
    const id = `19:${randomUUID().replace(/-/g, '')}@thread.${kind === 'channel' ? 'tacv2' : 'v2'}`;
    return this.conversationRef(id, kind, { name: `${kind} ${id.slice(3, 9)}` });
  }

  /**
   * Completes a request the way the bot does: one transition through the request store, with the notification
   * written to the outbox in the same atomic step. Nothing else happens until a relay reads the outbox.
   */
  async completeRequest(
    requestedBy: Person,
    inConversation: string,
    stores: Pick<Stores, 'requests'> = this.stores,
  ): Promise<NotificationEvent> {
    const id = randomUUID();
    const request: AssociationRequest = {
      id,
      accountId: this.accountId,
      conversationId: inConversation,
      requestedBy,
      signIn: {
        tenantId: 'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0',
        orgDisplayName: 'Contoso Ltd',
        verifiedDomains: [{ name: 'contoso.com', isDefault: true, isInitial: false }],
        user: {
          objectId: 'oid-megan',
          displayName: 'Megan',
          userPrincipalName: 'megan@contoso.com',
          isGlobalAdmin: true,
        },
      },
      state: 'awaitingApproval',
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      version: 0,
    };
    const at = new Date().toISOString();
    const audit = { at, accountId: this.accountId, action: 'request.created' as const, actor: requestedBy };
    const retainUntil = new Date(Date.now() + 3_600_000);
    await stores.requests.create(request, retainUntil, audit);
    const approver = this.person('approver');
    const next = { ...request, state: 'rejected' as const, version: 1, decidedBy: approver, decidedAt: at };
    const notify: NotificationEvent = {
      id: `${id}:1`,
      accountId: this.accountId,
      kind: 'rejected',
      at,
      requestId: id,
      tenantId: request.signIn.tenantId,
      orgDisplayName: 'Contoso Ltd',
      defaultDomain: 'contoso.com',
      requestedBy,
      decidedBy: approver,
      reason: 'Not our subsidiary',
      conversationId: inConversation,
    };
    const result = await stores.requests.transition(
      { next, expectedVersion: 0, audit: { ...audit, action: 'request.rejected', actor: approver }, notify },
      retainUntil,
    );
    if (!result.ok) throw new Error(`transition failed: ${JSON.stringify(result)}`);
    return notify;
  }

  /** Messages the connector accepted, per conversation. */
  sends(conversationId?: string): ConnectorOperation[] {
    return this.sandbox.connector
      .operations()
      .filter(
        (o) => o.kind === 'send' && (conversationId === undefined || o.conversationId === conversationId),
      );
  }

  /** An injected failure for the sends into one conversation (ids are percent-encoded in the URL). */
  faultFor(
    conversationId: string,
    fault: Omit<Parameters<Sandbox['connector']['faults']['push']>[0], 'path'>,
  ): void {
    this.sandbox.connector.faults.push({
      method: 'POST',
      path: `/v3/conversations/${encodeURIComponent(conversationId)}/activities`,
      ...fault,
    });
  }

  async close(): Promise<void> {
    for (const child of this.children) child.kill('SIGKILL');
    await Promise.all(this.running.splice(0).map((r) => r.close()));
    await deleteKeys(this.client, `${this.prefix}:*`);
    await deleteKeys(this.client, `${this.keys.queuePrefix}:*`);
    await this.client.quit();
    await this.sandbox.close();
  }

  conversationRef(
    conversationId: string,
    kind: ConversationRef['kind'],
    extra: Pick<ConversationRef, 'user' | 'name'>,
  ): ConversationRef {
    return {
      conversationId,
      kind,
      tenantId: this.tenantId,
      ...extra,
      reference: {
        channelId: 'msteams',
        serviceUrl: this.sandbox.urls.connector,
        conversation: { id: conversationId, conversationType: kind, tenantId: this.tenantId },
        bot: { id: `28:${this.config.bot.id}`, name: 'Tenant association' },
      },
      updatedAt: new Date().toISOString(),
    };
  }
}

export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
