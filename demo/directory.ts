import fixture from './directory.json';

/** The personal Microsoft account (consumer) tenant id that Entra ID puts in `tid` for outlook.com etc. */
export const CONSUMER_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';

export interface TeamsUser {
  /** The Teams user id (`29:...`) the bot sees in `from.id`. */
  id: string;
  objectId: string;
  displayName: string;
  userPrincipalName: string;
  partnerCenterRoles: string[];
}

export interface DirectoryUser {
  objectId: string;
  displayName: string;
  userPrincipalName: string;
  globalAdmin: boolean;
  /** False for generated staff: in the directory, but not offered on the sign-in pages. */
  listed?: boolean;
}

export interface VerifiedDomain {
  name: string;
  isDefault: boolean;
  isInitial: boolean;
}

export interface DirectoryTenant {
  id: string;
  displayName: string;
  verifiedDomains: VerifiedDomain[];
  /** How many groups every user of the tenant is a member of (they pad `/me/memberOf`). */
  groups: number;
  users: DirectoryUser[];
  /** More people, generated: enough for Graph's `/users` to page. They are not on the sign-in pages. */
  staff?: number;
}

export interface PersonalAccount {
  objectId: string;
  displayName: string;
  userPrincipalName: string;
}

export interface DemoDirectory {
  account: { id: string; displayName: string };
  teams: { tenantId: string; tenantName: string; users: TeamsUser[] };
  tenants: DirectoryTenant[];
  personalAccounts: PersonalAccount[];
}

/** Someone who can sign in on the sandbox sign-in page: a directory user or a personal account. */
export interface SignInAccount {
  tenantId: string;
  objectId: string;
  displayName: string;
  userPrincipalName: string;
  /** What the sign-in page shows under the name. */
  organization: string;
  personal: boolean;
  globalAdmin: boolean;
}

/**
 * Returns a fresh copy of the fixture each call, so a test that edits its directory
 * cannot leak into another sandbox in the same process.
 */
export function loadDemoDirectory(): DemoDirectory {
  const copy = JSON.parse(JSON.stringify(fixture)) as DemoDirectory;
  assertShape(copy);
  for (const tenant of copy.tenants) tenant.users.push(...staffOf(tenant));
  return copy;
}

const FIRST = [
  'Ana',
  'Ben',
  'Chen',
  'Dara',
  'Eli',
  'Fay',
  'Gus',
  'Hana',
  'Ivo',
  'Jun',
  'Kai',
  'Lena',
  'Milo',
  'Nia',
];
const LAST = ['Adams', 'Brook', 'Costa', 'Dunn', 'Egan', 'Frost', 'Gale', 'Hart', 'Ito', 'Joshi', 'Kaur'];

/** The tenant's generated staff: the same names and ids every run. */
function staffOf(tenant: DirectoryTenant): DirectoryUser[] {
  const domain = tenant.verifiedDomains.find((d) => d.isDefault)?.name ?? tenant.verifiedDomains[0]?.name;
  return Array.from({ length: tenant.staff ?? 0 }, (_, i) => {
    const first = FIRST[i % FIRST.length];
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length];
    const n = String(i + 1).padStart(3, '0');
    return {
      objectId: `${tenant.id.slice(0, 24)}${n.padStart(12, '0')}`,
      displayName: `${first} ${last} ${n}`,
      userPrincipalName: `${first.toLowerCase()}.${last.toLowerCase()}${n}@${domain}`,
      globalAdmin: false,
      listed: false,
    };
  });
}

export function signInAccounts(directory: DemoDirectory): SignInAccount[] {
  const organizational = directory.tenants.flatMap((tenant) =>
    tenant.users
      .filter((user) => user.listed !== false)
      .map((user) => ({
        tenantId: tenant.id,
        objectId: user.objectId,
        displayName: user.displayName,
        userPrincipalName: user.userPrincipalName,
        organization: tenant.displayName,
        personal: false,
        globalAdmin: user.globalAdmin,
      })),
  );
  const personal = directory.personalAccounts.map((account) => ({
    tenantId: CONSUMER_TENANT_ID,
    objectId: account.objectId,
    displayName: account.displayName,
    userPrincipalName: account.userPrincipalName,
    organization: 'Personal Microsoft account',
    personal: true,
    globalAdmin: false,
  }));
  return [...organizational, ...personal];
}

export function findAccount(directory: DemoDirectory, userPrincipalName: string): SignInAccount | undefined {
  const wanted = userPrincipalName.toLowerCase();
  return signInAccounts(directory).find((a) => a.userPrincipalName.toLowerCase() === wanted);
}

/** A Teams user by UPN, display name or first name ("nestor", "Nestor Wilke", "nestor@adatum.example"). */
export function findTeamsUser(directory: DemoDirectory, nameOrUpn: string): TeamsUser | undefined {
  const wanted = nameOrUpn.trim().toLowerCase();
  if (!wanted) return undefined;
  return directory.teams.users.find(
    (u) =>
      u.userPrincipalName.toLowerCase() === wanted ||
      u.displayName.toLowerCase() === wanted ||
      u.displayName.split(' ')[0].toLowerCase() === wanted,
  );
}

export function findTenant(directory: DemoDirectory, idOrDomain: string): DirectoryTenant | undefined {
  const wanted = idOrDomain.toLowerCase();
  return directory.tenants.find(
    (t) => t.id === wanted || t.verifiedDomains.some((d) => d.name.toLowerCase() === wanted),
  );
}

// A typo in the fixture should fail loudly at start, not as a confusing 404 mid-test.
function assertShape(d: DemoDirectory): void {
  const problems: string[] = [];
  if (!d.account?.id) problems.push('account.id');
  if (!d.teams?.tenantId || !Array.isArray(d.teams.users)) problems.push('teams');
  for (const u of d.teams?.users ?? []) {
    if (!u.id || !u.objectId || !u.userPrincipalName) problems.push(`teams user ${JSON.stringify(u)}`);
  }
  for (const t of d.tenants ?? []) {
    if (!t.id || !t.displayName || !Array.isArray(t.verifiedDomains) || !Array.isArray(t.users)) {
      problems.push(`tenant ${t.id}`);
    }
  }
  if (!Array.isArray(d.personalAccounts)) problems.push('personalAccounts');
  if (problems.length) throw new Error(`demo/directory.json is malformed: ${problems.join(', ')}`);
}
