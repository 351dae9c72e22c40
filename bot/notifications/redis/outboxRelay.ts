import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import type { MemberStore } from '../../core/ports';
import type { Log } from '../../log';
import type { RedisClient } from '../../redis/connection';
import type { RedisKeys } from '../../redis/keys';
import type { DeliveryPolicy } from '../deliveryPolicy';
import type { ConversationStore } from '../ports';
import { recipientsOf } from '../recipients';
import { enqueueDeliveries, type DeliveryJobData } from './deliveryQueue';
import { outboxEvent } from './outbox';

export const RELAY_GROUP = 'relay';
const BATCH = 20;

export interface OutboxRelayDeps {
  /** A connection of its own: XREADGROUP blocks it. */
  client: RedisClient;
  keys: RedisKeys;
  accountId: string;
  stores: { members: MemberStore; conversations: ConversationStore };
  queue: Queue<DeliveryJobData>;
  policy: DeliveryPolicy;
  log: Log;
}

/**
 * Moves the account's outbox into the delivery queue: each entry becomes one job per recipient, and only then
 * is acknowledged and deleted. Relays in several processes share the entries through a consumer group; an
 * entry a crashed relay took is taken over (XAUTOCLAIM) once idle long enough, and queuing it again is
 * harmless because the job ids are the deliveries' idempotency keys.
 */
export class OutboxRelay {
  private readonly consumer = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly key: string;
  private closed = false;
  private running?: Promise<void>;

  constructor(private readonly deps: OutboxRelayDeps) {
    this.key = deps.keys.outbox(deps.accountId);
  }

  start(): void {
    this.running ??= this.loop();
  }

  async close(): Promise<void> {
    this.closed = true;
    // Ends a blocked XREADGROUP at once instead of after its timeout.
    this.deps.client.disconnect();
    await this.running;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    // First what this consumer took before (id '0'), then new entries ('>').
    let backlog = true;
    let nextTakeover = 0;
    while (!this.closed) {
      try {
        if (Date.now() >= nextTakeover) {
          await this.takeOverAbandoned();
          nextTakeover = Date.now() + this.deps.policy.relayClaimIdleMs / 2;
        }
        const entries = await this.read(backlog ? '0' : '>');
        if (backlog && entries.length === 0) backlog = false;
        for (const [id, fields] of entries) await this.relay(id, fields);
        failures = 0;
      } catch (err) {
        if (this.closed) return;
        failures += 1;
        if (/NOGROUP/.test(String(err))) await this.ensureGroup().catch(() => undefined);
        this.deps.log('notification relay: will try again', err);
        backlog = true;
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(failures, 6)));
      }
    }
  }

  private async read(from: '0' | '>'): Promise<[string, string[]][]> {
    const block = from === '>' ? ['BLOCK', this.deps.policy.relayBlockMs] : [];
    const reply = (await this.deps.client.xreadgroup(
      'GROUP',
      RELAY_GROUP,
      this.consumer,
      'COUNT',
      BATCH,
      ...(block as ['BLOCK', number]),
      'STREAMS',
      this.key,
      from,
    )) as [string, [string, string[]][]][] | null;
    return reply?.[0]?.[1] ?? [];
  }

  private async takeOverAbandoned(): Promise<void> {
    await this.ensureGroup();
    let cursor = '0-0';
    do {
      const [next, entries] = (await this.deps.client.xautoclaim(
        this.key,
        RELAY_GROUP,
        this.consumer,
        this.deps.policy.relayClaimIdleMs,
        cursor,
        'COUNT',
        BATCH,
      )) as [string, [string, string[] | null][]];
      for (const [id, fields] of entries) await this.relay(id, fields ?? []);
      cursor = next;
    } while (cursor !== '0-0' && !this.closed);
  }

  private async relay(id: string, fields: string[]): Promise<void> {
    const { queue, stores, policy, log } = this.deps;
    let event;
    try {
      event = outboxEvent(fields);
    } catch (err) {
      log(`notification relay: outbox entry ${id} is unreadable and is dropped`, err);
      return this.done(id);
    }
    const recipients = await recipientsOf(event, stores);
    await enqueueDeliveries(queue, event, recipients, policy);
    await this.done(id);
  }

  private async done(id: string): Promise<void> {
    await this.deps.client.multi().xack(this.key, RELAY_GROUP, id).xdel(this.key, id).exec();
  }

  /** Created from the start of the stream: events written before any relay ever ran are relayed too. */
  private async ensureGroup(): Promise<void> {
    try {
      await this.deps.client.xgroup('CREATE', this.key, RELAY_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!String(err).includes('BUSYGROUP')) throw err;
    }
  }
}
