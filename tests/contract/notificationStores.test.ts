import type { NotificationEvent } from '../../bot/core/model';
import {
  ACCOUNT,
  association,
  created,
  notification,
  person,
  personalChat,
  sortById,
  teamChannel,
  transition,
} from './storeFixtures';
import { contractBackends, type Fixture } from './backends';

const backends = contractBackends();

describe.each(backends)('notification stores contract: $name', (backend) => {
  let f: Fixture;
  beforeEach(() => {
    f = backend.fixture();
  });

  describe('notification outbox', () => {
    test('a transition that notifies puts its event in the outbox in the same step', async () => {
      const req = await created(f, 'r1', 'tenant-a');
      const next = { ...req, state: 'completed' as const, version: 1 };
      const event = notification(next, 'completed');
      expect(await transition(f.stores, next, 0, association(req), event)).toEqual({ ok: true });
      expect(await f.other.outbox.pending(ACCOUNT, 10)).toEqual([{ id: expect.any(String), event }]);
      expect(await f.stores.outbox.pending('another-account', 10)).toEqual([]);
    });

    test('nothing reaches the outbox when the transition does not apply', async () => {
      const first = await created(f, 'r1', 'tenant-a');
      await transition(f.stores, { ...first, state: 'completed', version: 1 }, 0, association(first));
      const second = await created(f, 'r2', 'tenant-a');
      const done = { ...second, state: 'completed' as const, version: 1 };

      const conflict = await transition(
        f.stores,
        done,
        5,
        association(second),
        notification(done, 'completed'),
      );
      const already = await transition(
        f.stores,
        done,
        0,
        association(second),
        notification(done, 'completed'),
      );

      expect([conflict.ok, already.ok || already.reason]).toEqual([false, 'alreadyAssociated']);
      expect(await f.stores.outbox.pending(ACCOUNT, 10)).toEqual([]);
    });

    test('entries stay, oldest first, until removed', async () => {
      const events: NotificationEvent[] = [];
      for (const [i, kind] of (['rejected', 'expired', 'withdrawn'] as const).entries()) {
        const req = await created(f, `r${i}`, `tenant-${i}`);
        const next = { ...req, state: 'rejected' as const, version: 1 };
        events.push(notification(next, kind));
        await transition(f.stores, next, 0, undefined, events[i]);
      }
      const pending = await f.stores.outbox.pending(ACCOUNT, 10);
      expect(pending.map((e) => e.event)).toEqual(events);
      expect(await f.stores.outbox.pending(ACCOUNT, 2)).toEqual(pending.slice(0, 2));

      await f.other.outbox.remove(ACCOUNT, [pending[0].id, pending[2].id]);

      expect(await f.stores.outbox.pending(ACCOUNT, 10)).toEqual([pending[1]]);
    });

    test('a notification for another account or request is refused before anything is written', async () => {
      const req = await created(f, 'r1', 'tenant-a');
      const next = { ...req, state: 'rejected' as const, version: 1 };
      const attempts = [
        { ...notification(next, 'rejected'), accountId: 'another-account' },
        { ...notification(next, 'rejected'), requestId: 'another-request' },
      ];
      for (const notify of attempts) {
        await expect(transition(f.stores, next, 0, undefined, notify)).rejects.toThrow(/account|request/);
      }
      expect(await f.stores.requests.get(ACCOUNT, 'r1')).toEqual(req);
      expect(await f.stores.outbox.pending(ACCOUNT, 10)).toEqual([]);
    });
  });

  describe('conversations', () => {
    test('a saved reference is found by id and, for a personal chat, by its user', async () => {
      const chat = personalChat('a:1xyz', person('alice'));
      const channel = teamChannel('19:general@thread.tacv2');
      await f.stores.conversations.save(ACCOUNT, chat);
      await f.stores.conversations.save(ACCOUNT, channel);

      expect(await f.other.conversations.get(ACCOUNT, 'a:1xyz')).toEqual(chat);
      expect(await f.other.conversations.personalOf(ACCOUNT, person('alice'))).toEqual(chat);
      expect(await f.other.conversations.personalOf(ACCOUNT, person('bob'))).toBeUndefined();
      expect(await f.other.conversations.get('another-account', 'a:1xyz')).toBeUndefined();
      expect(await f.other.conversations.personalOf('another-account', person('alice'))).toBeUndefined();
    });

    test('only subscribed conversations that can still be written to are listed', async () => {
      const channels = ['19:a@thread.tacv2', '19:b@thread.tacv2', '19:c@thread.v2'].map(teamChannel);
      for (const c of channels) await f.stores.conversations.save(ACCOUNT, c);
      for (const c of channels) await f.stores.conversations.subscribe(ACCOUNT, c.conversationId);
      await f.stores.conversations.subscribe(ACCOUNT, channels[0].conversationId);
      await f.stores.conversations.subscribe(ACCOUNT, '19:never-saved@thread.v2');
      await f.stores.conversations.unsubscribe(ACCOUNT, channels[1].conversationId);

      const listed = await f.other.conversations.subscriptions(ACCOUNT);

      expect(sortById(listed)).toEqual([channels[0], channels[2]]);
      expect(await f.other.conversations.subscriptions('another-account')).toEqual([]);
    });

    test('remove forgets the reference, its personal-chat entry and its subscription', async () => {
      const chat = personalChat('a:1xyz', person('alice'));
      await f.stores.conversations.save(ACCOUNT, chat);
      await f.stores.conversations.subscribe(ACCOUNT, chat.conversationId);

      await f.other.conversations.remove(ACCOUNT, chat.conversationId);
      await f.other.conversations.remove(ACCOUNT, 'never-saved');

      expect(await f.stores.conversations.get(ACCOUNT, chat.conversationId)).toBeUndefined();
      expect(await f.stores.conversations.personalOf(ACCOUNT, person('alice'))).toBeUndefined();
      expect(await f.stores.conversations.subscriptions(ACCOUNT)).toEqual([]);
      await f.stores.conversations.save(ACCOUNT, chat);
      expect(await f.stores.conversations.subscriptions(ACCOUNT)).toEqual([]);
    });

    test("a user's newer personal chat replaces the older one; removing the older leaves the newer", async () => {
      const alice = { tenantId: 'tenant/ü{x}', objectId: 'oid 1%', displayName: 'alice' };
      const older = personalChat('a:older', alice);
      const newer = personalChat('a:newer', alice);
      await f.stores.conversations.save(ACCOUNT, older);
      await f.stores.conversations.save(ACCOUNT, newer);
      await f.stores.conversations.remove(ACCOUNT, older.conversationId);
      expect(await f.other.conversations.personalOf(ACCOUNT, alice)).toEqual(newer);

      const reassigned = personalChat('a:newer', person('bob'));
      await f.stores.conversations.save(ACCOUNT, reassigned);
      expect(await f.other.conversations.personalOf(ACCOUNT, alice)).toBeUndefined();
      expect(await f.other.conversations.personalOf(ACCOUNT, person('bob'))).toEqual(reassigned);
    });
  });
});
