import {
  ROLES,
  type AssociationRequest,
  type AuditEvent,
  type Member,
  type NotificationEvent,
  type Person,
  type RemovalRequest,
} from '../../bot/core/model';
import type { DirectoryUser } from '../../bot/core/ports';
import {
  advance,
  availableActions,
  decide,
  expire,
  isOpen,
  samePerson,
  type Actor,
  type ApprovalPolicy,
  type Context as MachineContext,
  type RequestAction,
} from '../../bot/core/requestMachine';
import { defaultDomainOf, summaryOf } from '../../bot/core/rules';
import {
  chooseTenantCard,
  historyCard,
  requestCard,
  tenantListCard,
  userSearchCard,
  usersCard,
  type CardAttachment,
} from '../../cards';
import { USERS_PER_PAGE } from '../../cards/accountCards';
import { notificationCard, notificationSummary } from '../../cards/notificationCard';
import { CARD_TIMES, type CardWorld } from './cardWorlds';

/** How the bot hands a card to Teams: in a message it posts or updates, or in a Universal Actions invoke response. */
export type Delivery = 'message' | 'invokeResponse';

export interface CardState {
  /** A slug naming the state in the product's words; it names test failures and screenshot files. */
  name: string;
  card: CardAttachment;
  sentAs: Delivery[];
  /** The activity's `summary`, which Teams shows in notifications where the card itself is not rendered. */
  summary?: string;
}

/**
 * Every state a card can show, built by the real card builders from requests moved by the real request
 * machine, with each viewer's buttons from `availableActions` as the bot computes them.
 */
export function cardStates(world: CardWorld): CardState[] {
  return [
    ...requestCardStates(world),
    ...removalStates(world),
    ...tenantListStates(world),
    ...accountStates(world),
    ...notificationStates(world),
  ];
}

export function cardState(world: CardWorld, name: string): CardState {
  const state = cardStates(world).find((s) => s.name === name);
  if (!state) throw new Error(`No card state named ${name}`);
  return state;
}

function requestCardStates(world: CardWorld): CardState[] {
  const { account, manager, requester } = world;
  const personal = openRequest(world, 'personal', manager);
  const group = openRequest(world, 'group', requester);
  const ownGroup = openRequest(world, 'group', manager);
  // A decided card is what everyone sees in the chat (the replaced message) and what the clicker gets back.
  const decided = (name: string, request: AssociationRequest): CardState => ({
    name,
    card: requestCard(request, account),
    sentAs: ['message', 'invokeResponse'],
  });
  return [
    // Sent right after sign-in: the requester's own review, in their personal chat.
    {
      name: 'personal-review',
      card: requestCard(personal, account, { actions: ['confirm', 'cancel'] }),
      sentAs: ['message'],
    },
    {
      name: 'personal-review-with-notice',
      card: ownView(world, personal, manager, { notice: world.notice }),
      sentAs: ['invokeResponse'],
    },
    // Posted in the group chat: everyone sees the status; Teams fetches the listed people's own views.
    {
      name: 'group-approval-everyone',
      card: requestCard(group, account, { policy: 'single', refreshUserIds: world.refreshCandidates }),
      sentAs: ['message'],
    },
    {
      name: 'group-approval-two-person',
      card: requestCard(ownGroup, account, { policy: 'two-person', refreshUserIds: world.refreshCandidates }),
      sentAs: ['message'],
    },
    { name: 'group-approval-manager', card: ownView(world, group, manager), sentAs: ['invokeResponse'] },
    { name: 'group-approval-requester', card: ownView(world, group, requester), sentAs: ['invokeResponse'] },
    {
      // Under the two-person policy a Manager may not approve their own request: only Withdraw is left.
      name: 'group-approval-two-person-own-request',
      card: ownView(world, ownGroup, manager, { policy: 'two-person' }),
      sentAs: ['invokeResponse'],
    },
    decided('personal-completed', act(world, personal, 'confirm', manager)),
    decided('group-approved', act(world, group, 'approve', manager)),
    decided('group-rejected', act(world, group, 'reject', manager, world.rejectReason)),
    decided('personal-cancelled', act(world, personal, 'cancel', manager)),
    decided('group-withdrawn', act(world, group, 'withdraw', requester)),
    // Associated meanwhile by someone else: the core closes the request without a rule of the machine.
    decided(
      'personal-already-associated',
      advance(personal, 'cancelled', manager, new Date(CARD_TIMES.decided), 'alreadyAssociated'),
    ),
    decided('personal-expired', expiredOf(personal)),
    decided('group-expired', expiredOf(group)),
  ];
}

function tenantListStates(world: CardWorld): CardState[] {
  return [
    { name: 'tenant-list', card: tenantListCard(world.account, world.associations), sentAs: ['message'] },
    { name: 'tenant-list-empty', card: tenantListCard(world.account, []), sentAs: ['message'] },
  ];
}

/** A removal under review, with everything it takes away, and once done. */
function removalStates(world: CardWorld): CardState[] {
  const { account, manager } = world;
  const tenant = summaryOf(world.associations[0]!);
  const removal: RemovalRequest = {
    ...openRequest(world, 'personal', manager),
    id: 'req-removal',
    kind: 'remove',
    tenant,
  } as RemovalRequest;
  const users = accountUsersOf(world).filter((m) => m.tenantId === tenant.tenantId);
  const pending = [openRequest(world, 'group', world.requester)];
  return [
    {
      name: 'removal-review',
      card: requestCard(removal, account, {
        actions: ['confirm', 'cancel'],
        consequences: { users, pending },
      }),
      sentAs: ['message', 'invokeResponse'],
    },
    {
      name: 'removal-completed',
      card: requestCard(
        { ...removal, state: 'completed', decidedBy: manager, decidedAt: CARD_TIMES.decided },
        account,
      ),
      sentAs: ['message', 'invokeResponse'],
    },
  ];
}

/** The account's users, tenants to choose from, a directory search and the history. */
function accountStates(world: CardWorld): CardState[] {
  const { account, associations, manager } = world;
  const users = accountUsersOf(world);
  const tenant = associations[0]!;
  const found: DirectoryUser[] = users.slice(0, 25).map((m) => ({
    objectId: m.objectId,
    displayName: m.displayName,
    userPrincipalName: m.upn ?? `${m.objectId}@example.com`,
  }));
  return [
    {
      name: 'choose-tenant-add-users',
      card: chooseTenantCard('addUsers', account, associations),
      sentAs: ['message'],
    },
    {
      name: 'choose-tenant-remove',
      card: chooseTenantCard('remove', account, associations),
      sentAs: ['message'],
    },
    {
      name: 'users-manager',
      card: usersCard(account, associations, users, {
        isManager: true,
        manageableTenants: associations.map((a) => a.tenantId),
      }),
      sentAs: ['message'],
    },
    {
      name: 'users-manager-next-page-with-notice',
      card: usersCard(account, associations, users, {
        isManager: true,
        manageableTenants: associations.map((a) => a.tenantId),
        notice: world.notice,
        from: USERS_PER_PAGE,
      }),
      sentAs: ['invokeResponse'],
    },
    {
      name: 'users-not-manager',
      card: usersCard(account, associations, users.slice(0, 3), { isManager: false, manageableTenants: [] }),
      sentAs: ['message'],
    },
    {
      name: 'user-search-start',
      card: userSearchCard(account, tenant, manager.displayName),
      sentAs: ['message', 'invokeResponse'],
    },
    {
      name: 'user-search-results',
      card: userSearchCard(account, tenant, manager.displayName, {
        query: 'a'.repeat(60),
        results: found,
        hasMore: true,
        notice: world.notice,
        accountUsers: users.slice(0, 5),
      }),
      sentAs: ['invokeResponse'],
    },
    {
      name: 'user-search-no-results',
      card: userSearchCard(account, tenant, manager.displayName, { query: 'zz', results: [] }),
      sentAs: ['invokeResponse'],
    },
    {
      name: 'history',
      card: historyCard(account, historyOf(world), 'cursor-1'),
      sentAs: ['message', 'invokeResponse'],
    },
  ];
}

const PEOPLE = [
  'Patti Fernandez',
  'Lee Gu',
  'Alex Wilber',
  'Megan Bowen',
  'Adele Vance',
  'Grady Archie',
  'Pradeep Gupta',
  'Isaiah Langer',
  'Miriam Graham',
  'Henrietta Mueller',
  'Johanna Lorenz',
  'Christie Cline',
  'Irvin Sayers',
  'Allan Deyoung',
];

/** As many account users as a users card lists, spread over the world's tenants, with every role. */
function accountUsersOf(world: CardWorld): Member[] {
  return Array.from({ length: USERS_PER_PAGE + 5 }, (_, i) => {
    const tenant = world.associations[i % world.associations.length]!;
    // The demo world's people have everyday names; the longest world's, the longest allowed.
    const name =
      world.requester.displayName.length > 100
        ? `${world.requester.displayName} ${i + 1}`
        : `${PEOPLE[i % PEOPLE.length]}${i >= PEOPLE.length ? ` ${Math.floor(i / PEOPLE.length) + 1}` : ''}`;
    return {
      accountId: world.account.id,
      tenantId: tenant.tenantId,
      objectId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      displayName: name,
      upn: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@${tenant.defaultDomain}`,
      roles: i === 0 ? [...ROLES] : [ROLES[i % ROLES.length]!],
    };
  });
}

/** A page of the history with every kind of event. */
function historyOf(world: CardWorld): AuditEvent[] {
  const { account, manager, requester } = world;
  const tenant = world.associations[0]!;
  const base = {
    accountId: account.id,
    actor: manager,
    tenantId: tenant.tenantId,
    orgDisplayName: tenant.orgDisplayName,
  };
  const subject = {
    tenantId: tenant.tenantId,
    objectId: requester.objectId,
    displayName: requester.displayName,
  };
  const actions: Omit<AuditEvent, 'at' | 'accountId' | 'actor'>[] = [
    { action: 'tenant.removed' },
    { action: 'request.created', detail: 'removal' },
    { action: 'member.rolesChanged', subject, roles: [...ROLES] },
    { action: 'member.removed', subject },
    { action: 'member.added', subject, roles: ['Developer'] },
    { action: 'member.added', subject, roles: ['Manager'], detail: 'firstManager' },
    { action: 'association.completed' },
    { action: 'request.rejected' },
    { action: 'request.expired' },
    { action: 'request.cancelled', detail: 'tenantRemoved' },
    { action: 'request.cancelled' },
    { action: 'request.created' },
    { action: 'tenant.associated' },
  ];
  return actions.map((a, i) => ({
    ...base,
    ...a,
    at: new Date(Date.parse(CARD_TIMES.decided) - i * 60_000).toISOString(),
  }));
}

function notificationStates(world: CardWorld): CardState[] {
  const { manager, requester } = world;
  const events: NotificationEvent[] = [
    notificationEvent(world, 'completed', manager),
    { ...notificationEvent(world, 'rejected', manager), reason: world.rejectReason },
    notificationEvent(world, 'withdrawn', requester),
    notificationEvent(world, 'expired'),
  ];
  return events.flatMap((event) => [
    {
      name: `notification-${event.kind}`,
      card: notificationCard(event),
      sentAs: ['message'],
      summary: notificationSummary(event),
    },
    {
      name: `notification-${event.kind}-linked`,
      card: notificationCard(event, { teamsAppId: world.teamsAppId }),
      sentAs: ['message'],
      summary: notificationSummary(event),
    },
  ]);
}

function openRequest(world: CardWorld, where: 'personal' | 'group', by: Person): AssociationRequest {
  const group = where === 'group';
  return {
    id: `req-${where}`,
    accountId: world.account.id,
    conversationId: group ? '19:adatum-managers@thread.v2' : 'a:personal-chat',
    requestedBy: by,
    signIn: world.signIn,
    ...(group ? { approval: true } : {}),
    state: group ? 'awaitingApproval' : 'awaitingConfirm',
    createdAt: CARD_TIMES.created,
    expiresAt: new Date(Date.parse(CARD_TIMES.created) + (group ? 24 : 1) * 3_600_000).toISOString(),
    version: 1,
  };
}

/** The request after `by` did `action`, as the request machine decides it (a refusal is a broken fixture). */
function act(
  world: CardWorld,
  request: AssociationRequest,
  action: RequestAction,
  by: Person,
  reason?: string,
): AssociationRequest {
  const decision = decide(request, action, actorOf(world, by), {
    ...machineContext(request, 'single'),
    ...(reason ? { reason } : {}),
  });
  if (!decision.ok) throw new Error(`${action} on ${request.id} was refused: ${decision.refusal.kind}`);
  return decision.value;
}

/** One viewer's own view, as the Teams edge's `viewFor` answers their refresh or click. */
function ownView(
  world: CardWorld,
  request: AssociationRequest,
  viewer: Person,
  options: { policy?: ApprovalPolicy; notice?: string } = {},
): CardAttachment {
  const policy = options.policy ?? 'single';
  return requestCard(request, world.account, {
    actions: availableActions(request, actorOf(world, viewer), machineContext(request, policy)),
    policy,
    ...(options.notice ? { notice: options.notice } : {}),
    // Keeps this viewer's own view refreshing while the request is open.
    ...(request.approval && isOpen(request) ? { refreshUserIds: world.refreshCandidates.slice(0, 1) } : {}),
  });
}

/** In these worlds the Manager is the only Manager; everyone is a user of the account. */
function actorOf(world: CardWorld, person: Person): Actor {
  return { person, isMember: true, isManager: samePerson(person, world.manager) };
}

function machineContext(request: AssociationRequest, policy: ApprovalPolicy): MachineContext {
  return { conversationId: request.conversationId, now: new Date(CARD_TIMES.decided), policy };
}

function expiredOf(request: AssociationRequest): AssociationRequest {
  const expired = expire(request, new Date(request.expiresAt));
  if (!expired) throw new Error(`${request.id} is not due at its own expiry time`);
  return expired;
}

function notificationEvent(
  world: CardWorld,
  kind: NotificationEvent['kind'],
  decidedBy?: Person,
): NotificationEvent {
  const { signIn } = world;
  return {
    id: `req-group:${kind}`,
    accountId: world.account.id,
    kind,
    at: CARD_TIMES.decided,
    requestId: 'req-group',
    tenantId: signIn.tenantId,
    orgDisplayName: signIn.orgDisplayName,
    defaultDomain: defaultDomainOf(signIn.verifiedDomains),
    requestedBy: world.requester,
    ...(decidedBy ? { decidedBy } : {}),
    conversationId: '19:adatum-managers@thread.v2',
  };
}
