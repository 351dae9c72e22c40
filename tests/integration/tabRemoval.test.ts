import { TabClient } from '../support/tabClient';
import { startWorld, type World } from '../support/world';

interface Review {
  requestId: string;
  kind: string;
  state: string;
  card: object;
  notice?: string;
}

interface Overview {
  viewer: { canRemove: boolean };
  tenants: { tenantId: string; organization: string; own: boolean }[];
  pending: { requestId: string; kind: string; organization: string }[];
}

/**
 * Remove on the Tenants tab over HTTP (R12): the review lists what the removal takes away, Confirm removes the
 * tenant with its users' roles and its pending requests; the refusals are said in the product's words.
 */
describe('removing a tenant from the Tenants tab (real server, sandbox Entra ID and Graph, Redis)', () => {
  let world: World;
  let tab: TabClient;
  let contoso: string;

  beforeAll(async () => {
    world = await startWorld({ tab: true });
    tab = new TabClient(world);
    contoso = tab.tenantId('Contoso');
    await tab.associate('Nestor Wilke', 'megan@contoso.com');
  });
  afterAll(() => world?.close());

  const cardText = (review: Review) => JSON.stringify(review.card);
  const openRemoval = (as: Parameters<TabClient['ssoToken']>[0], tenantId: string) =>
    tab.call<{ requestId: string; error?: string }>('POST', '/tab/api/removals', { as, body: { tenantId } });

  test('R12: a Manager cannot remove the tenant of his own Teams identity, and is told why', async () => {
    const overview = await tab.call<Overview>('GET', '/tab/api/overview', { as: 'Nestor Wilke' });
    expect(overview.body.viewer.canRemove).toBe(true);
    expect(overview.body.tenants.find((t) => t.own)?.organization).toBe('Adatum');

    const { status, body } = await openRemoval('Nestor Wilke', world.sandbox.directory.teams.tenantId);
    expect(status).toBe(403);
    expect(body.error).toContain("is the tenant you use Teams with, so you can't remove it");
  });

  test('R12: only a Manager may ask to remove a tenant', async () => {
    const overview = await tab.call<Overview>('GET', '/tab/api/overview', { as: 'Diego Siciliani' });
    expect(overview.body.viewer.canRemove).toBe(false);
    const { status, body } = await openRemoval('Diego Siciliani', contoso);
    expect(status).toBe(403);
    expect(body.error).toContain('can remove a tenant');
  });

  test('a tenant that is not associated cannot be removed', async () => {
    const { status, body } = await openRemoval('Nestor Wilke', tab.tenantId('Fabrikam'));
    expect(status).toBe(404);
    expect(body.error).toContain("isn't associated");
  });

  test('the review lists whose roles go and which requests end; Confirm removes Contoso and all of it', async () => {
    // Lidia asks too: her request is one of the consequences, cancelled with the removal.
    const lidias = await openRemoval('Lidia Holloway', contoso);
    expect(lidias.status).toBe(200);
    // Nestor is signed in to Contoso (as Megan) to manage its users: that ends with the tenant.
    expect(await tab.signInToManage('Nestor Wilke', contoso, 'megan@contoso.com')).toEqual({
      ok: true,
      managing: contoso,
    });

    const opened = await openRemoval('Nestor Wilke', contoso);
    expect(opened.status).toBe(200);
    const review = await tab.call<Review>('GET', `/tab/api/requests/${opened.body.requestId}`, {
      as: 'Nestor Wilke',
    });
    expect(review.body).toMatchObject({ kind: 'remove', state: 'awaitingConfirm' });
    for (const fact of [
      'Nothing is removed until you select Confirm',
      'Megan Bowen loses the role Manager',
      'The pending request of Lidia Holloway for it is cancelled',
      '"Confirm"',
    ])
      expect(cardText(review.body)).toContain(fact);
    const pending = await tab.call<Overview>('GET', '/tab/api/overview', { as: 'Nestor Wilke' });
    expect(pending.body.pending).toEqual(
      expect.arrayContaining([expect.objectContaining({ requestId: opened.body.requestId, kind: 'remove' })]),
    );

    const confirmed = await tab.call<Review>('POST', `/tab/api/requests/${opened.body.requestId}/confirm`, {
      as: 'Nestor Wilke',
    });
    expect(confirmed.body.state).toBe('completed');
    expect(cardText(confirmed.body)).toContain('Removed by Nestor Wilke');
    expect(cardText(confirmed.body)).toContain('Contoso Ltd is no longer associated with Adatum Software');

    const after = await tab.call<Overview>('GET', '/tab/api/overview', { as: 'Nestor Wilke' });
    expect(after.body.tenants.map((t) => t.tenantId)).not.toContain(contoso);
    expect(after.body.pending).toEqual([]);
    // Its users lost their roles at once: Megan is no user of the account any more.
    const asMegan = await tab.call<{ error: string }>('GET', '/tab/api/users', {
      as: tab.teamsPersonOf('megan@contoso.com'),
    });
    expect(asMegan.status).toBe(403);
    const users = await tab.call<{ tenants: { tenantId: string }[]; managing?: object }>(
      'GET',
      '/tab/api/users',
      {
        as: 'Nestor Wilke',
      },
    );
    expect(users.body.tenants.map((t) => t.tenantId)).not.toContain(contoso);
    expect(users.body.managing).toBeUndefined();
    // Lidia's request was closed with it.
    const hers = await tab.call<Review>('GET', `/tab/api/requests/${lidias.body.requestId}`, {
      as: 'Lidia Holloway',
    });
    expect(hers.body.state).toBe('cancelled');
  });

  test('Confirm a second time changes nothing and says the request is done', async () => {
    await tab.associate('Nestor Wilke', 'adele@fabrikam.com');
    const opened = await openRemoval('Nestor Wilke', tab.tenantId('Fabrikam'));
    const path = `/tab/api/requests/${opened.body.requestId}`;
    await tab.call('POST', `${path}/confirm`, { as: 'Nestor Wilke' });
    const again = await tab.call<Review>('POST', `${path}/confirm`, { as: 'Nestor Wilke' });
    expect(again.body.state).toBe('completed');
    expect(again.body.notice).toContain('already completed by Nestor Wilke');
  });

  test('someone else’s removal review cannot be confirmed from another person’s tab', async () => {
    await tab.associate('Nestor Wilke', 'megan@contoso.com');
    const opened = await openRemoval('Lidia Holloway', contoso);
    const asNestor = await tab.call('POST', `/tab/api/requests/${opened.body.requestId}/confirm`, {
      as: 'Nestor Wilke',
    });
    expect(asNestor.status).toBe(403);
    const overview = await tab.call<Overview>('GET', '/tab/api/overview', { as: 'Nestor Wilke' });
    expect(overview.body.tenants.map((t) => t.tenantId)).toContain(contoso);
  });
});

describe('R12 in the tab: the last tenant stays', () => {
  let world: World;
  let tab: TabClient;
  beforeAll(async () => {
    // The account's own tenant is Contoso; Nestor, a Manager from the configuration, uses Teams in Adatum.
    world = await startWorld({
      tab: true,
      env: {
        ACCOUNT_TENANT_ID: 'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0',
        ACCOUNT_TENANT_NAME: 'Contoso Ltd',
        ACCOUNT_TENANT_DOMAIN: 'contoso.com',
      },
    });
    tab = new TabClient(world);
  });
  afterAll(() => world?.close());

  test('removing the only tenant is refused: only the account’s owner can, in Partner Center', async () => {
    const { status, body } = await tab.call<{ error: string }>('POST', '/tab/api/removals', {
      as: 'Nestor Wilke',
      body: { tenantId: tab.tenantId('Contoso') },
    });
    expect(status).toBe(409);
    expect(body.error).toContain('is the only tenant associated with Adatum Software (Partner Center)');
    expect(body.error).toContain("Only the account's owner can remove the last tenant");
  });
});
