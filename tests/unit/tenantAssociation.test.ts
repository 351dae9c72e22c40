import {
  ACCOUNT,
  CONTOSO,
  LIFETIME_MS,
  consumerTenantSignIn,
  contosoSignIn,
  PERSONAL,
  coreWorld,
  developer,
  manager,
  personalSignIn,
  secondManager,
  stranger,
} from '../support/coreFixtures';

describe('associating a tenant (core use cases)', () => {
  it('R1: a Manager may start; a Developer is refused naming the Manager role; a stranger is told they are not in the account', async () => {
    const { service } = await coreWorld();
    expect(await service.authorize(manager)).toMatchObject({ ok: true });
    expect(await service.authorize(developer)).toEqual({
      ok: false,
      refusal: { kind: 'roleRequired', role: 'Manager', isMember: true },
    });
    expect(await service.authorize(stranger)).toEqual({
      ok: false,
      refusal: { kind: 'roleRequired', role: 'Manager', isMember: false },
    });
  });

  it('R1: any Manager may associate, not only the first one', async () => {
    const { service } = await coreWorld();
    const opened = await service.openRequest(secondManager, PERSONAL, contosoSignIn());
    if (!opened.ok) throw new Error('expected a request');
    expect(await service.act('confirm', secondManager, 'conv', opened.value.id)).toMatchObject({ ok: true });
  });

  it('R2/R3: a request for the signed-in tenant is opened for review, and nothing is associated before Confirm', async () => {
    const { service, stores } = await coreWorld();
    const opened = await service.openRequest(manager, PERSONAL, contosoSignIn());
    expect(opened).toMatchObject({
      ok: true,
      value: { state: 'awaitingConfirm', signIn: { tenantId: CONTOSO, orgDisplayName: 'Contoso Ltd' } },
    });
    expect(await stores.associations.list(ACCOUNT.id)).toEqual([]);
  });

  it('R3: Confirm associates the tenant with its organization and domains, once', async () => {
    const { service, stores } = await coreWorld();
    const opened = await service.openRequest(manager, PERSONAL, contosoSignIn());
    if (!opened.ok) throw new Error('expected a request');
    const confirmed = await service.act('confirm', manager, 'conv', opened.value.id);
    expect(confirmed).toMatchObject({ ok: true, value: { state: 'completed', decidedBy: manager } });
    expect(await stores.associations.get(ACCOUNT.id, CONTOSO)).toMatchObject({
      tenantId: CONTOSO,
      orgDisplayName: 'Contoso Ltd',
      defaultDomain: 'contoso.com',
      verifiedDomains: ['contoso.com', 'contoso.onmicrosoft.com'],
      associatedBy: manager,
    });
    expect(await service.act('confirm', manager, 'conv', opened.value.id)).toMatchObject({
      ok: false,
      refusal: { kind: 'requestFinished', request: { state: 'completed' } },
    });
    expect(await stores.associations.list(ACCOUNT.id)).toHaveLength(1);
    const audit = await stores.audit.recent(ACCOUNT.id, 10);
    expect(audit.map((e) => e.action)).toEqual(['member.added', 'association.completed', 'request.created']);
  });

  it('R11: who signed in to the tenant becomes its first account user, a Manager, and can manage its users', async () => {
    const { service, stores } = await coreWorld();
    const opened = await service.openRequest(manager, PERSONAL, contosoSignIn());
    if (!opened.ok) throw new Error('expected a request');
    await service.act('confirm', manager, 'conv', opened.value.id);
    expect(await stores.members.get(ACCOUNT.id, { tenantId: CONTOSO, objectId: 'megan' })).toEqual({
      accountId: ACCOUNT.id,
      tenantId: CONTOSO,
      objectId: 'megan',
      displayName: 'Megan Bowen',
      upn: 'megan@contoso.com',
      roles: ['Manager'],
    });
  });

  it('R8: a tenant already associated is reported, before review and at Confirm, with no duplicate', async () => {
    const { service, stores } = await coreWorld();
    const first = await service.openRequest(
      manager,
      { conversationId: 'conv-a', isGroup: false },
      contosoSignIn(),
    );
    const second = await service.openRequest(
      secondManager,
      { conversationId: 'conv-b', isGroup: false },
      contosoSignIn(),
    );
    if (!first.ok || !second.ok) throw new Error('expected requests');
    await service.act('confirm', manager, 'conv-a', first.value.id);

    expect(await service.act('confirm', secondManager, 'conv-b', second.value.id)).toMatchObject({
      ok: false,
      refusal: { kind: 'alreadyAssociated', association: { tenantId: CONTOSO, associatedBy: manager } },
    });
    expect(await service.find(second.value.id)).toMatchObject({
      state: 'cancelled',
      reason: 'alreadyAssociated',
    });
    expect(
      await service.openRequest(manager, { conversationId: 'conv-c', isGroup: false }, contosoSignIn()),
    ).toMatchObject({
      ok: false,
      refusal: { kind: 'alreadyAssociated' },
    });
    expect(await stores.associations.list(ACCOUNT.id)).toHaveLength(1);
  });

  it('R7: many tenants can be associated with one account', async () => {
    const { service, stores } = await coreWorld();
    for (const tenantId of [CONTOSO, 'fab1fab1-2222-4e3f-8a00-fabfabfabfab']) {
      const lookup = contosoSignIn();
      if (lookup.kind !== 'tenant') throw new Error('unreachable');
      const opened = await service.openRequest(manager, PERSONAL, {
        kind: 'tenant',
        signIn: { ...lookup.signIn, tenantId },
      });
      if (!opened.ok) throw new Error('expected a request');
      await service.act('confirm', manager, 'conv', opened.value.id);
    }
    expect((await stores.associations.list(ACCOUNT.id)).map((a) => a.tenantId)).toEqual([
      CONTOSO,
      'fab1fab1-2222-4e3f-8a00-fabfabfabfab',
    ]);
  });

  it('R9: a personal Microsoft account (or the consumer tenant) is never associated', async () => {
    const { service, stores } = await coreWorld();
    expect(await service.openRequest(manager, PERSONAL, personalSignIn)).toEqual({
      ok: false,
      refusal: { kind: 'personalAccount', userPrincipalName: 'pat.kim@outlook.com' },
    });
    expect(await service.openRequest(manager, PERSONAL, consumerTenantSignIn())).toMatchObject({
      ok: false,
      refusal: { kind: 'personalAccount' },
    });
    expect(await stores.associations.list(ACCOUNT.id)).toEqual([]);
  });

  it('R1: a Manager who loses the role before Confirm cannot complete', async () => {
    const { service, stores } = await coreWorld();
    const opened = await service.openRequest(manager, PERSONAL, contosoSignIn());
    if (!opened.ok) throw new Error('expected a request');
    await stores.members.put({ ...manager, accountId: ACCOUNT.id, roles: ['Developer'] });
    expect(await service.act('confirm', manager, 'conv', opened.value.id)).toMatchObject({
      ok: false,
      refusal: { kind: 'roleRequired' },
    });
    expect(await stores.associations.list(ACCOUNT.id)).toEqual([]);
  });

  it('Cancel, then Confirm: the request stays cancelled and nothing is associated', async () => {
    const { service, stores } = await coreWorld();
    const opened = await service.openRequest(manager, PERSONAL, contosoSignIn());
    if (!opened.ok) throw new Error('expected a request');
    expect(await service.act('cancel', manager, 'conv', opened.value.id)).toMatchObject({
      ok: true,
      value: { state: 'cancelled' },
    });
    expect(await service.act('confirm', manager, 'conv', opened.value.id)).toMatchObject({
      ok: false,
      refusal: { kind: 'requestFinished', request: { state: 'cancelled' } },
    });
    expect(await stores.associations.list(ACCOUNT.id)).toEqual([]);
  });

  it('an expired request cannot be confirmed, and is recorded as expired', async () => {
    const { service, clock } = await coreWorld();
    const opened = await service.openRequest(manager, PERSONAL, contosoSignIn());
    if (!opened.ok) throw new Error('expected a request');
    clock.advance(LIFETIME_MS + 1);
    expect(await service.act('confirm', manager, 'conv', opened.value.id)).toMatchObject({
      ok: false,
      refusal: { kind: 'requestExpired', request: { state: 'expired' } },
    });
    expect(await service.find(opened.value.id)).toMatchObject({ state: 'expired' });
  });

  it('refuses unknown and foreign request ids, and other people', async () => {
    const { service } = await coreWorld();
    const opened = await service.openRequest(manager, PERSONAL, contosoSignIn());
    if (!opened.ok) throw new Error('expected a request');
    expect(await service.act('confirm', manager, 'conv', 'nope')).toEqual({
      ok: false,
      refusal: { kind: 'requestNotFound' },
    });
    expect(await service.act('confirm', manager, 'other-conv', opened.value.id)).toEqual({
      ok: false,
      refusal: { kind: 'foreignRequest' },
    });
    expect(await service.act('confirm', secondManager, 'conv', opened.value.id)).toMatchObject({
      ok: false,
      refusal: { kind: 'notRequester' },
    });
  });

  it('of many concurrent Confirms of one request exactly one completes it', async () => {
    const { service, stores } = await coreWorld();
    const opened = await service.openRequest(manager, PERSONAL, contosoSignIn());
    if (!opened.ok) throw new Error('expected a request');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => service.act('confirm', manager, 'conv', opened.value.id)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await stores.associations.list(ACCOUNT.id)).toHaveLength(1);
  });

  it('lists tenants to members of the account only', async () => {
    const { service } = await coreWorld();
    expect(await service.listTenants(developer)).toEqual({ ok: true, value: [] });
    expect(await service.listTenants(stranger)).toMatchObject({
      ok: false,
      refusal: { kind: 'roleRequired' },
    });
  });
});
