import type { Account, Association, Person, TenantSignIn } from '../../bot/core/model';
import { defaultDomainOf } from '../../bot/core/rules';
import { loadDemoDirectory, type DemoDirectory, type DirectoryTenant } from '../../demo/directory';

/** Everything a card shows that varies: who, which tenant, which account, and the free text people type. */
export interface CardWorld {
  account: Account;
  /** The tenant a request is about, as its directory describes itself and the person who signed in. */
  signIn: TenantSignIn;
  /** A Developer: in a group chat anyone may ask, and only a Manager may approve. */
  requester: Person;
  /** The Manager who decides (and, in a personal chat, the one who asks and confirms). */
  manager: Person;
  /** A line shown to one viewer on top of the card, e.g. why their click changed nothing. */
  notice: string;
  rejectReason: string;
  /** Teams user ids (`29:...`) of the people a group card refreshes for; the card keeps the first 60. */
  refreshCandidates: string[];
  associations: Association[];
  teamsAppId: string;
}

/** When the request was made and decided, in every world. */
export const CARD_TIMES = {
  created: '2026-11-28T10:00:00.000Z',
  decided: '2026-11-28T10:05:00.000Z',
};

/** The demo people and tenants of demo/directory.json, with Northwind (twelve domains) under review. */
export function demoWorld(): CardWorld {
  const directory = loadDemoDirectory();
  const northwind = tenantNamed(directory, 'Northwind Traders');
  const nestor = teamsPerson(directory, 'Nestor Wilke');
  return {
    account: directory.account,
    signIn: signInTo(northwind),
    requester: teamsPerson(directory, 'Diego Siciliani'),
    manager: nestor,
    notice: `Northwind Traders (northwindtraders.com) is already associated with ${directory.account.displayName}: Lidia Holloway associated it on 2026-11-20. Nothing was changed.`,
    rejectReason: 'Northwind Traders is a customer, not part of our organization.',
    refreshCandidates: directory.teams.users.map((u) => u.id),
    associations: directory.tenants.map((tenant, i) => associationOf(directory.account, tenant, nestor, i)),
    teamsAppId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  };
}

/**
 * The demo world stretched to the longest values the bot accepts: Microsoft Entra ID caps a display name
 * at 256 characters and a user principal name's local part at 64, the reason box takes 500 characters, and
 * a group chat can hold far more people than the 60 a card refreshes for.
 */
export function longestWorld(): CardWorld {
  const demo = demoWorld();
  const org = longText('Northwind Traders International Holdings', 256);
  const requester = { ...demo.requester, displayName: longText('Diego Siciliani', 256) };
  const manager = { ...demo.manager, displayName: longText('Nestor Wilke', 256) };
  const account = { ...demo.account, displayName: longText('Adatum Software (Partner Center)', 256) };
  const { signIn } = demo;
  const northwind = tenantNamed(loadDemoDirectory(), 'Northwind Traders');
  const longestDomain = signIn.verifiedDomains
    .map((d) => d.name)
    .reduce((longest, name) => (name.length > longest.length ? name : longest));
  return {
    account,
    signIn: {
      ...signIn,
      orgDisplayName: org,
      user: {
        ...signIn.user,
        displayName: longText('Pradeep Gupta', 256),
        userPrincipalName: `${'pradeep.gupta.'.repeat(5).slice(0, 63)}x@${longestDomain}`,
      },
    },
    requester,
    manager,
    notice: `${org} (${defaultDomainOf(signIn.verifiedDomains)}) is already associated with ${account.displayName}: ${manager.displayName} associated it on 2026-11-20. Nothing was changed.`,
    rejectReason: longText('This tenant belongs to a customer, not to our organization. ', 500),
    // Real Teams user ids are about 90 characters long.
    refreshCandidates: Array.from(
      { length: 100 },
      (_, i) => `29:1${String(i).padStart(3, '0')}${'x'.repeat(86)}`,
    ),
    associations: Array.from({ length: 40 }, (_, i) => ({
      ...associationOf(account, northwind, manager, i),
      // Forty distinct tenants, as many as an account may have.
      tenantId: `${northwind.id.slice(0, 24)}${String(i).padStart(12, '0')}`,
      orgDisplayName: longText(`${i + 1} ${org}`, 256),
      defaultDomain: `${i + 1}.${longestDomain}`,
    })),
    teamsAppId: demo.teamsAppId,
  };
}

function tenantNamed(directory: DemoDirectory, displayName: string): DirectoryTenant {
  const tenant = directory.tenants.find((t) => t.displayName === displayName);
  if (!tenant) throw new Error(`demo/directory.json has no tenant ${displayName}`);
  return tenant;
}

function teamsPerson(directory: DemoDirectory, displayName: string): Person {
  const user = directory.teams.users.find((u) => u.displayName === displayName);
  if (!user) throw new Error(`demo/directory.json has no Teams user ${displayName}`);
  return { tenantId: directory.teams.tenantId, objectId: user.objectId, displayName: user.displayName };
}

function signInTo(tenant: DirectoryTenant): TenantSignIn {
  const user = tenant.users[0];
  if (!user) throw new Error(`${tenant.displayName} has no users to sign in with`);
  return {
    tenantId: tenant.id,
    orgDisplayName: tenant.displayName,
    verifiedDomains: tenant.verifiedDomains,
    user: {
      objectId: user.objectId,
      displayName: user.displayName,
      userPrincipalName: user.userPrincipalName,
      isGlobalAdmin: user.globalAdmin,
    },
  };
}

function associationOf(account: Account, tenant: DirectoryTenant, by: Person, i: number): Association {
  return {
    accountId: account.id,
    tenantId: tenant.id,
    orgDisplayName: tenant.displayName,
    defaultDomain: defaultDomainOf(tenant.verifiedDomains),
    verifiedDomains: tenant.verifiedDomains.map((d) => d.name),
    associatedBy: by,
    associatedAt: new Date(Date.parse(CARD_TIMES.decided) - i * 86_400_000).toISOString(),
    requestId: `req-${i + 1}`,
  };
}

/** `seed` repeated (space-separated, so it still wraps like words) and cut to exactly `length` characters. */
function longText(seed: string, length: number): string {
  return Array.from({ length: Math.ceil(length / seed.length) + 1 }, () => seed.trim())
    .join(' ')
    .slice(0, length)
    .trimEnd()
    .padEnd(length, '.');
}
