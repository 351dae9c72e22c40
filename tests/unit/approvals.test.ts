import {
  ACCOUNT,
  CONTOSO,
  GROUP,
  GROUP_LIFETIME_MS,
  ManualClock,
  contosoSignIn,
  coreWorld,
  developer,
  manager,
  secondManager,
  stranger,
} from '../support/coreFixtures';

const where = GROUP.conversationId;

describe('approvals in group chats (core use cases)', () => {
  it('R1: anyone in the chat may ask; the request waits for a Manager and nothing is associated yet', async () => {
    const { service, stores } = await coreWorld();
    const opened = await service.openRequest(stranger, GROUP, contosoSignIn());
    expect(opened).toMatchObject({
      ok: true,
      value: { state: 'awaitingApproval', approval: true, requestedBy: stranger },
    });
    if (!opened.ok) return;
    expect(Date.parse(opened.value.expiresAt) - Date.parse(opened.value.createdAt)).toBe(GROUP_LIFETIME_MS);
    expect(await stores.associations.list(ACCOUNT.id)).toEqual([]);
  });

  it("a Manager's Approve associates the tenant, recording who asked and who approved", async () => {
    const { service, stores } = await coreWorld();
    const opened = await service.openRequest(developer, GROUP, contosoSignIn());
    if (!opened.ok) throw new Error('expected a request');
    expect(await service.act('approve', secondManager, where, opened.value.id)).toMatchObject({
      ok: true,
      value: { state: 'completed', decidedBy: secondManager },
    });
    expect(await stores.associations.get(ACCOUNT.id, CONTOSO)).toMatchObject({
      associatedBy: developer,
      approvedBy: secondManager,
    });
  });

  it("a non-Manager's Approve is refused and changes nothing", async () => {
    const { service, stores } = await coreWorld();
    const opened = await service.openRequest(manager, GROUP, contosoSignIn());
    if (!opened.ok) throw new Error('expected a request');
    expect(await service.act('approve', developer, where, opened.value.id)).toEqual({
      ok: false,
      refusal: { kind: 'roleRequired', role: 'Manager', isMember: true },
    });
    expect(await service.find(opened.value.id)).toMatchObject({ state: 'awaitingApproval', version: 1 });
    expect(await stores.associations.list(ACCOUNT.id)).toEqual([]);
  });

  it('Reject keeps the reason; Withdraw is for the requester only', async () => {
    const { service, stores } = await coreWorld();
    const first = await service.openRequest(developer, GROUP, contosoSignIn());
    if (!first.ok) throw new Error('expected a request');
    expect(await service.act('reject', manager, where, first.value.id, '  Not one of ours  ')).toMatchObject({
      ok: true,
      value: { state: 'rejected', reason: 'Not one of ours', decidedBy: manager },
    });
    const second = await service.openRequest(developer, GROUP, contosoSignIn());
    if (!second.ok) throw new Error('expected a request');
    expect(await service.act('withdraw', manager, where, second.value.id)).toMatchObject({
      ok: false,
      refusal: { kind: 'notRequester' },
    });
    expect(await service.act('withdraw', developer, where, second.value.id)).toMatchObject({
      ok: true,
      value: { state: 'cancelled', decidedBy: developer },
    });
    expect(await stores.associations.list(ACCOUNT.id)).toEqual([]);
  });

  it('two-person policy: a Manager cannot approve their own request, another Manager can', async () => {
    const { service } = await coreWorld(undefined, new ManualClock(), 'two-person');
    const opened = await service.openRequest(manager, GROUP, contosoSignIn());
    if (!opened.ok) throw new Error('expected a request');
    expect(await service.act('approve', manager, where, opened.value.id)).toMatchObject({
      ok: false,
      refusal: { kind: 'ownRequest' },
    });
    expect(await service.act('approve', secondManager, where, opened.value.id)).toMatchObject({ ok: true });
  });

  it('two Managers approving at once: one association, and the other is told who approved first', async () => {
    const { service, stores } = await coreWorld();
    const opened = await service.openRequest(developer, GROUP, contosoSignIn());
    if (!opened.ok) throw new Error('expected a request');
    const [a, b] = await Promise.all([
      service.act('approve', manager, where, opened.value.id),
      service.act('approve', secondManager, where, opened.value.id),
    ]);
    const results = [a, b];
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const loser = results.find((r) => !r.ok);
    expect(loser).toMatchObject({
      ok: false,
      refusal: { kind: 'requestFinished', request: { state: 'completed' } },
    });
    expect(await stores.associations.list(ACCOUNT.id)).toHaveLength(1);
  });

  it('each person sees their own options; an overdue request is expired when someone looks', async () => {
    const { service, clock } = await coreWorld();
    const opened = await service.openRequest(developer, GROUP, contosoSignIn());
    if (!opened.ok) throw new Error('expected a request');
    const id = opened.value.id;
    expect(await service.view(manager, where, id)).toMatchObject({
      ok: true,
      value: { actions: ['approve', 'reject'] },
    });
    expect(await service.view(developer, where, id)).toMatchObject({
      ok: true,
      value: { actions: ['withdraw'] },
    });
    expect(await service.view(stranger, where, id)).toMatchObject({ ok: true, value: { actions: [] } });
    expect(await service.view(manager, 'elsewhere', id)).toEqual({
      ok: false,
      refusal: { kind: 'foreignRequest' },
    });

    clock.advance(GROUP_LIFETIME_MS);
    expect(await service.view(manager, where, id)).toMatchObject({
      ok: true,
      value: { request: { state: 'expired' }, actions: [] },
    });
    expect(await service.act('approve', manager, where, id)).toMatchObject({
      ok: false,
      refusal: { kind: 'requestFinished', request: { state: 'expired' } },
    });
  });
});
