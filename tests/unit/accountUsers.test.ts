import type { Person } from '../../bot/core/model';
import {
  ACCOUNT,
  CONTOSO,
  coreWorld,
  developer,
  manager,
  member,
  PERSONAL,
  secondManager,
  stranger,
  TEAMS_TENANT,
} from '../support/coreFixtures';

const megan: Person = { tenantId: CONTOSO, objectId: 'megan', displayName: 'Megan Bowen' };
const patti = { objectId: 'patti', displayName: 'Patti Fernandez', userPrincipalName: 'patti@contoso.com' };
const lee = { objectId: 'lee', displayName: 'Lee Gu', userPrincipalName: 'lee@contoso.com' };

/** The account's tenant (R10) and Contoso, with Megan its first Manager (R11). */
async function world() {
  const w = await coreWorld();
  await w.service.ensureAccountTenant({
    tenantId: TEAMS_TENANT,
    orgDisplayName: 'Adatum',
    defaultDomain: 'adatum.example',
    verifiedDomains: ['adatum.example'],
  });
  await w.service.ensureAccountTenant({
    tenantId: CONTOSO,
    orgDisplayName: 'Contoso Ltd',
    defaultDomain: 'contoso.com',
    verifiedDomains: ['contoso.com'],
  });
  await w.stores.members.put(member(megan, ['Manager']));
  return w;
}

describe('AccountUsers: the Users page (R1, R6, R13)', () => {
  it('Managers see everyone; others their own roles and who the Managers are', async () => {
    const { users } = await world();
    const asManager = await users.users(manager);
    expect(asManager.ok && asManager.value.users.map((u) => u.displayName)).toEqual(
      expect.arrayContaining(['Nestor Wilke', 'Lidia Holloway', 'Diego Siciliani', 'Megan Bowen']),
    );
    const asDeveloper = await users.users(developer);
    expect(asDeveloper.ok && asDeveloper.value.isManager).toBe(false);
    expect(asDeveloper.ok && asDeveloper.value.users.map((u) => u.displayName).sort()).toEqual([
      'Diego Siciliani',
      'Lidia Holloway',
      'Megan Bowen',
      'Nestor Wilke',
    ]);
    expect(await users.users(stranger)).toEqual({
      ok: false,
      refusal: { kind: 'roleRequired', role: 'Manager', isMember: false },
    });
  });

  it('R6: only a Manager who is a user of the tenant adds its people; one set of roles, nobody twice', async () => {
    const { users } = await world();
    // Nestor's Teams identity is not a Contoso user.
    expect(await users.add(manager, CONTOSO, [patti], ['Developer'])).toMatchObject({
      ok: false,
      refusal: { kind: 'notTenantManager', tenant: { orgDisplayName: 'Contoso Ltd' } },
    });
    const added = await users.add(megan, CONTOSO, [patti, lee], ['Marketer', 'Developer', 'Owner']);
    expect(added.ok && added.value.added.map((m) => [m.displayName, m.roles])).toEqual([
      ['Patti Fernandez', ['Developer', 'Marketer']],
      ['Lee Gu', ['Developer', 'Marketer']],
    ]);
    const again = await users.add(megan, CONTOSO, [patti], ['Manager']);
    expect(again.ok && again.value.existing.map((m) => [m.displayName, m.roles])).toEqual([
      ['Patti Fernandez', ['Developer', 'Marketer']],
    ]);
    expect(await users.add(megan, CONTOSO, [lee], [])).toEqual({ ok: false, refusal: { kind: 'noRoles' } });
    expect(
      await users.add(megan, 'f0000000-0000-4000-8000-000000000000', [lee], ['Developer']),
    ).toMatchObject({
      ok: false,
      refusal: { kind: 'notAssociated' },
    });
  });

  it('roles take effect at once (R1): a Developer made Manager may associate tenants', async () => {
    const { users, service } = await world();
    expect((await service.mayStart(developer, PERSONAL)).ok).toBe(false);
    const changed = await users.setRoles(manager, developer, ['Manager', 'Developer']);
    expect(changed.ok && changed.value.roles).toEqual(['Manager', 'Developer']);
    expect((await service.mayStart(developer, PERSONAL)).ok).toBe(true);
  });

  it('R13: the last Manager can neither lose the role nor be removed', async () => {
    const { users } = await world();
    await users.remove(megan, megan);
    expect((await users.remove(manager, secondManager)).ok).toBe(true);
    expect(await users.setRoles(manager, manager, ['Developer'])).toMatchObject({
      ok: false,
      refusal: { kind: 'lastManager', member: { displayName: 'Nestor Wilke' } },
    });
    expect(await users.remove(manager, manager)).toMatchObject({
      ok: false,
      refusal: { kind: 'lastManager' },
    });
    expect(await users.remove(manager, secondManager)).toMatchObject({
      ok: false,
      refusal: { kind: 'notMember' },
    });
  });

  it('every change is in the history, which only Managers see', async () => {
    const { users } = await world();
    await users.add(megan, CONTOSO, [patti], ['Developer']);
    await users.setRoles(megan, { tenantId: CONTOSO, objectId: 'patti' }, ['Marketer']);
    await users.remove(megan, { tenantId: CONTOSO, objectId: 'patti' });
    const page = await users.history(manager, 10);
    expect(
      page.ok && page.value.events.slice(0, 3).map((e) => [e.action, e.subject?.displayName, e.roles]),
    ).toEqual([
      ['member.removed', 'Patti Fernandez', []],
      ['member.rolesChanged', 'Patti Fernandez', ['Marketer']],
      ['member.added', 'Patti Fernandez', ['Developer']],
    ]);
    expect(await users.history(developer, 10)).toMatchObject({
      ok: false,
      refusal: { kind: 'roleRequired', isMember: true, to: 'see its history' },
    });
  });

  it('R13 names the last Manager, or calls them that Manager before they have a name', async () => {
    const { users, stores } = await world();
    await users.remove(megan, megan);
    await users.remove(manager, secondManager);
    await stores.members.put({ ...member(manager, ['Manager']), displayName: '' });
    expect(await users.remove(manager, manager)).toMatchObject({
      ok: false,
      refusal: { kind: 'lastManager', member: { displayName: 'That Manager' } },
    });
  });

  it('a Manager known only by id gets the name Teams gives them the first time they look', async () => {
    const { users, stores } = await world();
    await stores.members.put({ ...member(manager, ['Manager']), displayName: '' });
    await users.users(manager);
    expect((await stores.members.get(ACCOUNT.id, manager))?.displayName).toBe('Nestor Wilke');
    // A name already kept is not overwritten by another.
    await users.users({ ...manager, displayName: 'N. Wilke' });
    expect((await stores.members.get(ACCOUNT.id, manager))?.displayName).toBe('Nestor Wilke');
  });
});
