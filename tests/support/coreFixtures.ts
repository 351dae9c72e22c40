import { AccountUsers } from '../../bot/core/accountUsers';
import {
  CONSUMER_TENANT_ID,
  type Member,
  type Person,
  type Role,
  type TenantSignIn,
} from '../../bot/core/model';
import type { Clock, TenantLookup } from '../../bot/core/ports';
import type { ApprovalPolicy } from '../../bot/core/requestMachine';
import { TenantAssociation } from '../../bot/core/tenantAssociation';
import { createMemoryStores } from '../../bot/infra/memory/memoryStores';
import type { Stores } from '../../bot/infra/stores';
import { MemoryOutbox } from '../../bot/notifications/memory/outbox';

export const ACCOUNT = { id: 'acct-1', displayName: 'Adatum Software' };
export const TEAMS_TENANT = 'aaaaaaaa-0000-4000-8000-000000000000';
export const CONTOSO = 'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0';

export function person(objectId: string, displayName = objectId): Person {
  return { tenantId: TEAMS_TENANT, objectId, displayName };
}

export function member(p: Person, roles: Role[]): Member {
  return { ...p, accountId: ACCOUNT.id, roles };
}

export const manager = person('manager-1', 'Nestor Wilke');
export const secondManager = person('manager-2', 'Lidia Holloway');
export const developer = person('developer-1', 'Diego Siciliani');
export const stranger = person('stranger-1', 'Someone Else');

export function contosoSignIn(overrides: Partial<TenantSignIn['user']> = {}): TenantLookup {
  return {
    kind: 'tenant',
    signIn: {
      tenantId: CONTOSO,
      orgDisplayName: 'Contoso Ltd',
      verifiedDomains: [
        { name: 'contoso.onmicrosoft.com', isDefault: false, isInitial: true },
        { name: 'contoso.com', isDefault: true, isInitial: false },
      ],
      user: {
        objectId: 'megan',
        displayName: 'Megan Bowen',
        userPrincipalName: 'megan@contoso.com',
        isGlobalAdmin: false,
        ...overrides,
      },
    },
  };
}

export const personalSignIn: TenantLookup = {
  kind: 'personalAccount',
  userPrincipalName: 'pat.kim@outlook.com',
};

export function consumerTenantSignIn(): TenantLookup {
  const lookup = contosoSignIn();
  if (lookup.kind !== 'tenant') throw new Error('unreachable');
  return { kind: 'tenant', signIn: { ...lookup.signIn, tenantId: CONSUMER_TENANT_ID } };
}

export class ManualClock implements Clock {
  constructor(private current = new Date('2026-11-28T10:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export const LIFETIME_MS = 60 * 60 * 1000;
export const GROUP_LIFETIME_MS = 24 * 60 * 60 * 1000;
export const PERSONAL = { conversationId: 'conv', isGroup: false };
export const GROUP = { conversationId: 'group-conv', isGroup: true };

export interface CoreWorld {
  service: TenantAssociation;
  users: AccountUsers;
  stores: Stores;
  clock: ManualClock;
}

/** The core over the in-memory stores, with Nestor and Lidia as Managers and Diego as a Developer. */
export async function coreWorld(
  stores?: Stores,
  clock = new ManualClock(),
  policy: ApprovalPolicy = 'single',
): Promise<CoreWorld> {
  const s = stores ?? createMemoryStores({ clock, outbox: new MemoryOutbox() });
  await s.members.put(member(manager, ['Manager']));
  await s.members.put(member(secondManager, ['Manager', 'Developer']));
  await s.members.put(member(developer, ['Developer']));
  let n = 0;
  const service = new TenantAssociation({
    account: ACCOUNT,
    ...s,
    clock,
    ids: { next: () => `req-${++n}` },
    requestLifetimeMs: LIFETIME_MS,
    groupRequestLifetimeMs: GROUP_LIFETIME_MS,
    policy,
    retentionMs: 24 * 60 * 60 * 1000,
  });
  const users = new AccountUsers({ account: ACCOUNT, ...s, clock, ids: { next: () => `id-${++n}` } });
  return { service, users, stores: s, clock };
}
