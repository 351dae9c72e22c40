import type { Member, Person, RemovalRequest, Role } from '../../bot/core/model';
import type { MemberWrite } from '../../bot/core/ports';
import { contractBackends, type Fixture } from './backends';
import { ACCOUNT, association, audit, created, later, person, request, transition } from './storeFixtures';

const backends = contractBackends();

function member(p: Person, roles: Role[], tenantId = p.tenantId): Member {
  return { ...p, tenantId, accountId: ACCOUNT, roles };
}

function write(m: Member, action: 'member.added' | 'member.rolesChanged' = 'member.added'): MemberWrite {
  return {
    member: m,
    audit: { ...audit(action), subject: m, roles: m.roles },
    notify: {
      id: `roles:${m.objectId}:${m.roles.join('+')}`,
      accountId: ACCOUNT,
      kind: 'rolesChanged',
      at: '2026-01-01T00:00:00.000Z',
      tenantId: m.tenantId,
      orgDisplayName: 'Org',
      defaultDomain: 'org.example',
      requestedBy: person('alice'),
      concerned: [{ tenantId: m.tenantId, objectId: m.objectId }],
      roles: m.roles,
      conversationId: '',
    },
  };
}

describe.each(backends)('account users and the tenant lifecycle, stores contract: $name', (backend) => {
  let f: Fixture;
  beforeEach(() => {
    f = backend.fixture();
  });

  test('adding users adds the new ones with their history and notification; existing ones are reported', async () => {
    const [ann, ben] = ['ann', 'ben'].map(person);
    await f.stores.members.put(member(ben, ['Marketer']));

    const result = await f.other.members.add(ACCOUNT, [
      write(member(ann, ['Developer'])),
      write(member(ben, ['Developer'])),
    ]);

    expect(result).toEqual({ added: [member(ann, ['Developer'])], existing: [member(ben, ['Marketer'])] });
    expect(await f.stores.members.get(ACCOUNT, ben)).toEqual(member(ben, ['Marketer']));
    expect((await f.stores.audit.recent(ACCOUNT, 10)).map((e) => [e.action, e.subject?.displayName])).toEqual(
      [['member.added', 'ann']],
    );
    expect((await f.stores.outbox.pending(ACCOUNT, 10)).map((e) => e.event.concerned)).toEqual([
      [{ tenantId: ann.tenantId, objectId: ann.objectId }],
    ]);
    expect((await f.stores.members.list(ACCOUNT)).map((m) => m.displayName)).toEqual(['ann', 'ben']);
  });

  test('R13: the last Manager neither loses the role nor leaves; others can', async () => {
    const [ann, ben] = ['ann', 'ben'].map(person);
    await f.stores.members.put(member(ann, ['Manager']));
    await f.stores.members.put(member(ben, ['Manager', 'Developer']));

    expect(
      await f.stores.members.setRoles(ACCOUNT, write(member(ben, ['Developer']), 'member.rolesChanged')),
    ).toEqual({
      ok: true,
      before: member(ben, ['Manager', 'Developer']),
    });
    expect(
      await f.stores.members.setRoles(ACCOUNT, write(member(ann, ['Marketer']), 'member.rolesChanged')),
    ).toEqual({
      ok: false,
      reason: 'lastManager',
    });
    expect(await f.stores.members.remove(ACCOUNT, ann, audit('member.removed'))).toEqual({
      ok: false,
      reason: 'lastManager',
    });
    expect(await f.stores.members.remove(ACCOUNT, ben, audit('member.removed'))).toMatchObject({ ok: true });
    expect(await f.stores.members.remove(ACCOUNT, ben, audit('member.removed'))).toEqual({
      ok: false,
      reason: 'notMember',
    });
    expect(await f.stores.members.list(ACCOUNT)).toEqual([member(ann, ['Manager'])]);
  });

  test('R13 under concurrency: two Managers taking the role from the last two at once leave one', async () => {
    const [ann, ben] = ['ann', 'ben'].map(person);
    await f.stores.members.put(member(ann, ['Manager']));
    await f.stores.members.put(member(ben, ['Manager']));

    const results = await Promise.all([
      f.stores.members.remove(ACCOUNT, ann, audit('member.removed')),
      f.other.members.setRoles(ACCOUNT, write(member(ben, ['Developer']), 'member.rolesChanged')),
    ]);

    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === 'lastManager')).toHaveLength(1);
    expect(await f.stores.members.listManagers(ACCOUNT)).toHaveLength(1);
  });

  test('R10: the account tenant is recorded once, with one history entry', async () => {
    const own = { ...association(request('setup', 'home-tenant')), requestId: '' };
    const entry = { ...audit('tenant.associated'), tenantId: 'home-tenant' };
    const results = await Promise.all([
      f.stores.associations.ensure(own, entry),
      f.other.associations.ensure(own, entry),
    ]);
    expect(results.sort()).toEqual([false, true]);
    expect(await f.stores.associations.ensure(own, entry)).toBe(false);
    expect((await f.stores.audit.recent(ACCOUNT, 10)).map((e) => e.action)).toEqual(['tenant.associated']);
  });

  test('R11: completing an association makes the signed-in person the tenant’s first Manager', async () => {
    const req = await created(f, 'r1', 'tenant-a');
    const megan = member({ tenantId: 'tenant-a', objectId: 'oid-megan', displayName: 'Megan' }, ['Manager']);
    const result = await f.stores.requests.transition(
      {
        next: { ...req, state: 'completed', version: 1 },
        expectedVersion: 0,
        association: association(req),
        firstManager: { member: megan, audit: { ...audit('member.added', req), subject: megan } },
        audit: audit('association.completed', req),
      },
      later(f, 60_000),
    );
    expect(result).toEqual({ ok: true });
    expect(await f.other.members.get(ACCOUNT, megan)).toEqual(megan);
    expect((await f.stores.audit.recent(ACCOUNT, 10)).map((e) => e.action)).toEqual([
      'member.added',
      'association.completed',
      'request.created',
    ]);
  });

  describe('R12: removing a tenant', () => {
    async function associated(id: string, tenantId: string) {
      const req = await created(f, id, tenantId);
      await transition(f.stores, { ...req, state: 'completed', version: 1 }, 0, association(req));
      return association(req);
    }

    async function removal(id: string, tenantId: string): Promise<RemovalRequest> {
      const removal: RemovalRequest = {
        ...request(id, tenantId),
        kind: 'remove',
        tenant: { tenantId, orgDisplayName: `Org ${tenantId}`, defaultDomain: 'x', verifiedDomains: ['x'] },
      } as RemovalRequest;
      delete (removal as Partial<{ signIn: unknown }>).signIn;
      await f.stores.requests.create(removal, later(f, 60_000), {
        ...audit('request.created'),
        requestId: id,
      });
      return removal;
    }

    function remove(req: RemovalRequest, by = person('remover')) {
      return f.other.requests.transition(
        {
          next: { ...req, state: 'completed', version: 1 },
          expectedVersion: 0,
          removal: { tenantId: req.tenant.tenantId, actor: by },
          audit: { ...audit('tenant.removed'), tenantId: req.tenant.tenantId, requestId: req.id },
          notify: {
            id: `${req.id}:1`,
            accountId: ACCOUNT,
            kind: 'removed',
            at: '2026-01-01T00:05:00.000Z',
            requestId: req.id,
            tenantId: req.tenant.tenantId,
            orgDisplayName: req.tenant.orgDisplayName,
            defaultDomain: 'x',
            requestedBy: by,
            conversationId: 'conv-1',
          },
        },
        later(f, 60_000),
      );
    }

    test('the association, its account users and its open requests go in one step; the users are told', async () => {
      await associated('a', 'home');
      await associated('b', 'tenant-b');
      const [keep, gone1, gone2] = [
        member(person('keep'), ['Manager'], 'home'),
        member(person('gone1'), ['Developer'], 'tenant-b'),
        member(person('gone2'), ['Manager'], 'tenant-b'),
      ];
      for (const m of [keep, gone1, gone2]) await f.stores.members.put(m);
      const waiting = await created(f, 'waiting', 'tenant-b');
      const elsewhere = await created(f, 'elsewhere', 'tenant-c');
      const req = await removal('remove-b', 'tenant-b');

      expect(await remove(req)).toEqual({ ok: true });

      expect((await f.stores.associations.list(ACCOUNT)).map((a) => a.tenantId)).toEqual(['home']);
      expect(await f.stores.members.list(ACCOUNT)).toEqual([keep]);
      expect(await f.stores.requests.get(ACCOUNT, waiting.id)).toMatchObject({
        state: 'cancelled',
        version: 1,
        reason: 'tenantRemoved',
        decidedBy: person('remover'),
      });
      expect(await f.stores.requests.get(ACCOUNT, elsewhere.id)).toEqual(elsewhere);
      expect((await f.stores.requests.listOpen(ACCOUNT)).map((r) => r.id)).toEqual(['elsewhere']);
      const [told] = await f.stores.outbox.pending(ACCOUNT, 10);
      expect(told.event.kind).toBe('removed');
      expect(told.event.concerned?.map((p) => p.objectId).sort()).toEqual(
        [gone1.objectId, gone2.objectId].sort(),
      );
      expect((await f.stores.audit.recent(ACCOUNT, 3)).map((e) => [e.action, e.requestId])).toEqual([
        ['request.cancelled', 'waiting'],
        ['tenant.removed', 'remove-b'],
        ['request.created', 'remove-b'],
      ]);
    });

    test('never the last tenant, never a tenant no longer associated; nothing is written then', async () => {
      await associated('a', 'only');
      const last = await removal('remove-only', 'only');
      expect(await remove(last)).toEqual({ ok: false, reason: 'lastTenant' });
      const ghost = await removal('remove-ghost', 'ghost');
      expect(await remove(ghost)).toEqual({ ok: false, reason: 'notAssociated' });
      expect(await f.stores.associations.list(ACCOUNT)).toHaveLength(1);
      expect(await f.stores.outbox.pending(ACCOUNT, 10)).toEqual([]);
    });

    test('two removals of the last two tenants at once leave one', async () => {
      await associated('a', 'tenant-a');
      await associated('b', 'tenant-b');
      const [ra, rb] = [await removal('remove-a', 'tenant-a'), await removal('remove-b', 'tenant-b')];
      const results = await Promise.all([remove(ra), remove(rb)]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(await f.stores.associations.list(ACCOUNT)).toHaveLength(1);
    });
  });

  test('the history pages newest first, and the cursor goes on where the page stopped', async () => {
    for (const detail of ['one', 'two', 'three', 'four', 'five']) {
      await f.stores.audit.append({ ...audit('request.created'), detail });
    }
    const first = await f.other.audit.page(ACCOUNT, 2);
    expect(first.events.map((e) => e.detail)).toEqual(['five', 'four']);
    const second = await f.other.audit.page(ACCOUNT, 2, first.next);
    expect(second.events.map((e) => e.detail)).toEqual(['three', 'two']);
    const last = await f.other.audit.page(ACCOUNT, 2, second.next);
    expect(last).toEqual({ events: [expect.objectContaining({ detail: 'one' })] });
  });

  test('a history cursor the store never handed out (it comes back from a card or the tab) is answered, not an error', async () => {
    await f.stores.audit.append({ ...audit('request.created'), detail: 'one' });
    for (const cursor of ['x', '', '-1', '0-0', '1-x', '99999999999999999999-0', '(1-0', '1-0 +']) {
      const page = await f.other.audit.page(ACCOUNT, 2, cursor);
      expect({ cursor, events: Array.isArray(page.events) }).toEqual({ cursor, events: true });
    }
  });
});
