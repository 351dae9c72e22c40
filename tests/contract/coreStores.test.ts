import { ACCOUNT, association, audit, created, later, person, request, transition } from './storeFixtures';
import { contractBackends, type Fixture } from './backends';

const backends = contractBackends();

describe.each(backends)('core stores contract: $name', (backend) => {
  let f: Fixture;
  beforeEach(() => {
    f = backend.fixture();
  });

  describe('members', () => {
    test('ensureManagers is idempotent and keeps other roles', async () => {
      const alice = person('alice');
      const bob = person('bob');
      await f.stores.members.put({
        ...bob,
        accountId: ACCOUNT,
        upn: 'bob@contoso.com',
        roles: ['Developer'],
      });
      await f.stores.members.ensureManagers(ACCOUNT, [alice, bob]);
      await f.other.members.ensureManagers(ACCOUNT, [alice, bob]);
      expect(await f.stores.members.get(ACCOUNT, alice)).toEqual({
        ...alice,
        accountId: ACCOUNT,
        roles: ['Manager'],
      });
      expect(await f.stores.members.get(ACCOUNT, bob)).toEqual({
        ...bob,
        accountId: ACCOUNT,
        upn: 'bob@contoso.com',
        roles: ['Developer', 'Manager'],
      });
      expect(await f.stores.members.get('another-account', alice)).toBeUndefined();
    });

    test("listManagers lists the account's Managers and no one else, by name", async () => {
      const [zoe, adam, dev, foreign] = ['zoe', 'adam', 'dev', 'foreign'].map(person);
      await f.stores.members.put({ ...dev, accountId: ACCOUNT, roles: ['Developer'] });
      await f.stores.members.put({ ...adam, accountId: ACCOUNT, roles: ['Marketer', 'Manager'] });
      await f.stores.members.ensureManagers(ACCOUNT, [zoe]);
      await f.stores.members.ensureManagers('another-account', [foreign]);

      const managers = await f.other.members.listManagers(ACCOUNT);

      expect(managers.map((m) => m.displayName)).toEqual(['adam', 'zoe']);
      expect(managers[0]).toEqual({ ...adam, accountId: ACCOUNT, roles: ['Marketer', 'Manager'] });
      expect(await f.stores.members.listManagers('empty-account')).toEqual([]);
    });
  });

  describe('requests', () => {
    test('create then get; a second create with the same id is refused', async () => {
      const req = request('r1', 'tenant-a');
      await f.stores.requests.create(req, later(f, 60_000), audit('request.created', req));
      expect(await f.stores.requests.get(ACCOUNT, 'r1')).toEqual(req);
      expect(await f.stores.requests.get(ACCOUNT, 'nope')).toBeUndefined();
      await expect(
        f.stores.requests.create(req, later(f, 60_000), audit('request.created', req)),
      ).rejects.toThrow(/already exists/);
      expect((await f.stores.audit.recent(ACCOUNT, 10)).map((e) => e.action)).toEqual(['request.created']);
    });

    test('transition is a compare-and-set on version', async () => {
      const req = await created(f, 'r1', 'tenant-a');
      const next = { ...req, state: 'awaitingApproval' as const, version: 1 };
      expect(await transition(f.stores, next, 0)).toEqual({ ok: true });
      expect(await f.stores.requests.get(ACCOUNT, 'r1')).toEqual(next);
      expect(await transition(f.stores, { ...req, state: 'cancelled', version: 1 }, 0)).toEqual({
        ok: false,
        reason: 'conflict',
        current: next,
      });
      expect(await transition(f.stores, { ...request('ghost', 'tenant-a'), version: 1 }, 0)).toEqual({
        ok: false,
        reason: 'conflict',
      });
    });

    test('two concurrent transitions from the same version: exactly one applies', async () => {
      const req = await created(f, 'r1', 'tenant-a');
      const results = await Promise.all([
        transition(f.stores, { ...req, state: 'cancelled', version: 1 }, 0),
        transition(f.other, { ...req, state: 'completed', version: 1 }, 0, association(req)),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok && r.reason === 'conflict')).toHaveLength(1);
    });

    test('50 concurrent completions over two connections associate the tenant exactly once', async () => {
      const requests = await Promise.all(
        Array.from({ length: 10 }, (_, i) => created(f, `r${i}`, 'tenant-a')),
      );
      const attempts = requests.flatMap((req) =>
        Array.from({ length: 5 }, (_, j) =>
          transition(
            j % 2 ? f.other : f.stores,
            { ...req, state: 'completed', version: 1 },
            0,
            association(req),
          ),
        ),
      );
      const results = await Promise.all(attempts);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const reasons = new Set(results.flatMap((r) => (r.ok ? [] : [r.reason])));
      expect(reasons).toEqual(new Set(['conflict', 'alreadyAssociated']));
      const associations = await f.stores.associations.list(ACCOUNT);
      expect(associations).toHaveLength(1);
      const events = await f.stores.audit.recent(ACCOUNT, 100);
      expect(events.filter((e) => e.action === 'association.completed')).toHaveLength(1);
      const winner = await f.stores.requests.get(ACCOUNT, associations[0].requestId);
      expect(winner?.state).toBe('completed');
    });

    test('alreadyAssociated returns the existing association and writes nothing', async () => {
      const first = await created(f, 'r1', 'tenant-a');
      await transition(f.stores, { ...first, state: 'completed', version: 1 }, 0, association(first));
      const second = await created(f, 'r2', 'tenant-a');
      const auditBefore = await f.stores.audit.recent(ACCOUNT, 100);

      const result = await transition(
        f.stores,
        { ...second, state: 'completed', version: 1 },
        0,
        association(second),
      );

      expect(result).toEqual({ ok: false, reason: 'alreadyAssociated', existing: association(first) });
      expect(await f.stores.requests.get(ACCOUNT, 'r2')).toEqual(second);
      expect(await f.stores.associations.list(ACCOUNT)).toEqual([association(first)]);
      expect(await f.stores.audit.recent(ACCOUNT, 100)).toEqual(auditBefore);
    });

    test('a request is forgotten after retainUntil, and each transition sets a new one', async () => {
      const keep = request('keep', 'tenant-a');
      const lapse = request('lapse', 'tenant-b');
      await f.stores.requests.create(keep, later(f, 300), audit('request.created', keep));
      await f.stores.requests.create(lapse, later(f, 300), audit('request.created', lapse));
      const next = { ...keep, state: 'awaitingApproval' as const, version: 1 };
      await f.stores.requests.transition(
        { next, expectedVersion: 0, audit: audit('request.created', next) },
        later(f, 60_000),
      );
      await f.elapse(500);
      expect(await f.stores.requests.get(ACCOUNT, 'keep')).toEqual(next);
      expect(await f.stores.requests.get(ACCOUNT, 'lapse')).toBeUndefined();
      expect(await transition(f.stores, { ...lapse, version: 1 }, 0)).toEqual({
        ok: false,
        reason: 'conflict',
      });
    });

    test('a change for another account is refused before anything is written', async () => {
      const req = await created(f, 'r1', 'tenant-a');
      const foreign = { ...audit('association.completed', req), accountId: 'another-account' };
      await expect(
        f.stores.requests.transition(
          { next: { ...req, version: 1 }, expectedVersion: 0, association: association(req), audit: foreign },
          later(f, 60_000),
        ),
      ).rejects.toThrow(/account/);
      expect(await f.stores.requests.get(ACCOUNT, 'r1')).toEqual(req);
      expect(await f.stores.associations.list(ACCOUNT)).toEqual([]);
    });
  });

  test('open requests are listed until a transition closes them or their retention ends', async () => {
    const waiting = await created(f, 'waiting', 'tenant-a');
    const approving = await created(f, 'approving', 'tenant-b');
    const closing = await created(f, 'closing', 'tenant-c');
    const lapsing = request('lapsing', 'tenant-d');
    await f.stores.requests.create(lapsing, later(f, 300), audit('request.created', lapsing));
    const approval = { ...approving, state: 'awaitingApproval' as const, version: 1 };
    await transition(f.stores, approval, 0);
    await transition(f.stores, { ...closing, state: 'cancelled', version: 1 }, 0);
    await f.elapse(500);

    const open = await f.other.requests.listOpen(ACCOUNT);

    expect(open.sort((a, b) => a.id.localeCompare(b.id))).toEqual([approval, waiting]);
    expect(await f.stores.requests.listOpen('another-account')).toEqual([]);
  });

  test('associations are listed oldest first', async () => {
    const times = ['2026-03-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'];
    for (const [i, at] of times.entries()) {
      const req = await created(f, `r${i}`, `tenant-${i}`);
      await transition(f.stores, { ...req, version: 1 }, 0, { ...association(req), associatedAt: at });
    }
    const listed = await f.stores.associations.list(ACCOUNT);
    expect(listed.map((a) => a.tenantId)).toEqual(['tenant-1', 'tenant-2', 'tenant-0']);
    expect(await f.stores.associations.get(ACCOUNT, 'tenant-2')).toEqual(listed[1]);
    expect(await f.stores.associations.get(ACCOUNT, 'tenant-x')).toBeUndefined();
  });

  test('audit recent is newest first and limited to count', async () => {
    for (const detail of ['one', 'two', 'three']) {
      await f.stores.audit.append({ ...audit('request.created'), detail });
    }
    const recent = await f.stores.audit.recent(ACCOUNT, 2);
    expect(recent.map((e) => e.detail)).toEqual(['three', 'two']);
    expect(await f.stores.audit.recent('another-account', 2)).toEqual([]);
  });
});
