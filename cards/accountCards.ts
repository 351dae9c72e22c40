import type { Account, Association, AuditEvent, Member } from '../bot/core/model';
import { ROLES } from '../bot/core/model';
import type { DirectoryUser } from '../bot/core/ports';
import { localTime, renderer, type CardAttachment } from './render';
import chooseTenantTemplate from './templates/choose-tenant.json';
import historyTemplate from './templates/history.json';
import userSearchTemplate from './templates/user-search.json';
import usersTemplate from './templates/users.json';

/** How many account users one card lists: with the longest names, still far below Teams' message size. */
export const USERS_PER_PAGE = 20;

interface ChooseTenantView {
  title: string;
  text: string;
  tenants: { title: string; value: string }[];
  selected: string;
  verb: string;
  submitTitle: string;
  submitStyle: 'positive' | 'destructive' | 'default';
}

const renderChooseTenant = renderer<ChooseTenantView>(chooseTenantTemplate);

/** One of the account's tenants, for `add users` or `remove tenant`. */
export function chooseTenantCard(
  purpose: 'addUsers' | 'remove',
  account: Account,
  tenants: Association[],
): CardAttachment {
  return renderChooseTenant({
    title:
      purpose === 'remove'
        ? `Remove a tenant from ${account.displayName}`
        : `Add users to ${account.displayName}`,
    text:
      purpose === 'remove'
        ? 'Choose the tenant to remove. You review what that takes away before anything happens.'
        : 'Users are added one tenant at a time: choose the tenant, then sign in to it as a Manager who is one of its users, and pick people from its directory.',
    tenants: tenants.map((t) => ({
      title: `${t.orgDisplayName} (${t.defaultDomain || t.tenantId})`,
      value: t.tenantId,
    })),
    selected: tenants.length === 1 ? tenants[0].tenantId : '',
    verb: purpose === 'remove' ? 'tenant.remove' : 'users.tenant',
    submitTitle: purpose === 'remove' ? 'Review the removal' : 'Sign in to this tenant',
    submitStyle: purpose === 'remove' ? 'destructive' : 'positive',
  });
}

interface UsersView {
  title: string;
  notice: string;
  intro: string;
  tenants: { organization: string; users: { name: string; roles: string }[] }[];
  manageable: { title: string; value: string }[];
  roleChoices: readonly string[];
  account: string;
  footer: string;
  more: string;
}

const renderUsers = renderer<UsersView>(usersTemplate);

export interface UsersCardOptions {
  isManager: boolean;
  /** Tenants whose users this viewer may change here (R6: a Manager who is a user of that tenant). */
  manageableTenants: string[];
  notice?: string;
  /** Where this page starts in the list of users. */
  from?: number;
}

/** How a user is named in the "Change a user" choice: their tenant and object id. */
export function userChoiceValue(member: Pick<Member, 'tenantId' | 'objectId'>): string {
  return `${member.tenantId}/${member.objectId}`;
}

/**
 * Partner Center's Users page: the account's users by tenant, with their roles, a page at a time; and, for
 * the users this viewer may change, one form to change roles or remove.
 */
export function usersCard(
  account: Account,
  tenants: Association[],
  users: Member[],
  options: UsersCardOptions,
): CardAttachment {
  const from = Math.max(0, Math.min(options.from ?? 0, users.length));
  const shown = users.slice(from, from + USERS_PER_PAGE);
  const nameOf = (u: Member) => u.displayName || `Not signed in yet (${u.objectId})`;
  const sections = tenants
    .map((t) => ({
      organization: `${t.orgDisplayName} (${t.defaultDomain || t.tenantId})`,
      users: shown
        .filter((u) => u.tenantId === t.tenantId)
        .map((u) => ({ name: u.upn ? `${nameOf(u)} (${u.upn})` : nameOf(u), roles: u.roles.join(', ') })),
    }))
    .filter((t) => t.users.length > 0);
  const withoutUsers = tenants.filter((t) => !users.some((u) => u.tenantId === t.tenantId)).length;
  const rest = users.length - from - shown.length;
  return renderUsers({
    title: `Users of ${account.displayName}`,
    notice: options.notice ?? '',
    intro: options.isManager
      ? 'Every account user, by tenant. Type **add users** to add people from a tenant’s directory.'
      : 'Your own roles, and who the Managers are: ask one of them for another role.',
    tenants: sections,
    manageable: shown
      .filter((u) => options.manageableTenants.includes(u.tenantId))
      .map((u) => ({ title: `${nameOf(u)}: ${u.roles.join(', ')}`, value: userChoiceValue(u) })),
    roleChoices: ROLES,
    account: account.displayName,
    footer: [
      options.isManager && withoutUsers > 0
        ? `${withoutUsers} associated tenant${withoutUsers === 1 ? ' has' : 's have'} no account users yet.`
        : '',
      rest > 0 ? `${rest} more after these.` : '',
    ]
      .filter(Boolean)
      .join(' '),
    more: rest > 0 ? String(from + shown.length) : '',
  });
}

interface UserSearchView {
  title: string;
  notice: string;
  intro: string;
  query: string;
  searched: boolean;
  noResults: string;
  results: { title: string; value: string }[];
  roleChoices: readonly string[];
  account: string;
  hasMore: boolean;
}

const renderUserSearch = renderer<UserSearchView>(userSearchTemplate);

export interface UserSearchCardOptions {
  query?: string;
  results?: DirectoryUser[];
  hasMore?: boolean;
  notice?: string;
  /** The account's users of this tenant: the results say who already is one. */
  accountUsers?: Member[];
}

/** Searching the signed-in tenant's directory for existing people to add (R5: no global administrator needed). */
export function userSearchCard(
  account: Account,
  tenant: Association,
  signedInAs: string,
  options: UserSearchCardOptions = {},
): CardAttachment {
  return renderUserSearch({
    title: `Add users of ${tenant.orgDisplayName}`,
    notice: options.notice ?? '',
    intro: `Signed in as ${signedInAs}. Search the directory of ${tenant.orgDisplayName} by name or e-mail, pick people, and give them one set of roles.`,
    query: options.query ?? '',
    searched: options.results !== undefined,
    noResults: `Nobody in ${tenant.orgDisplayName} matches "${options.query ?? ''}".`,
    results: (options.results ?? []).map((u) => {
      const already = options.accountUsers?.find((m) => m.objectId === u.objectId);
      return {
        title: `${u.displayName} (${u.userPrincipalName})${already ? `: already a user, ${already.roles.join(', ')}` : ''}`,
        value: u.objectId,
      };
    }),
    roleChoices: ROLES,
    account: account.displayName,
    hasMore: options.hasMore ?? false,
  });
}

interface HistoryView {
  title: string;
  events: { what: string; when: string }[];
  before: string;
}

const renderHistory = renderer<HistoryView>(historyTemplate);

/** The account's history, newest first, with a way to the next page. */
export function historyCard(account: Account, events: AuditEvent[], before?: string): CardAttachment {
  return renderHistory({
    title: `History of ${account.displayName}`,
    events: events.map((e) => ({ what: historyLine(e), when: localTime(e.at) })),
    before: before ?? '',
  });
}

/** One event as a sentence: who did what to which tenant or person. */
export function historyLine(event: AuditEvent): string {
  // "Fabrikam, Inc." already ends the sentence.
  return sentenceOf(event).replace(/\.\.$/, '.');
}

function sentenceOf(event: AuditEvent): string {
  const who = event.actor.displayName || 'Someone';
  const org = event.orgDisplayName ?? event.tenantId ?? 'a tenant';
  const subject = event.subject?.displayName ?? 'a user';
  const roles = event.roles?.length ? event.roles.join(', ') : 'no role';
  switch (event.action) {
    case 'tenant.associated':
      return `${org} was associated from the start: it is the account's own tenant.`;
    case 'request.created':
      return event.detail === 'removal'
        ? `${who} asked to remove ${org}.`
        : `${who} asked to associate ${org}.`;
    case 'association.completed':
      return `${who} associated ${org}.`;
    case 'tenant.removed':
      return `${who} removed ${org}: its users lost their roles.`;
    case 'request.cancelled':
      return event.detail === 'tenantRemoved'
        ? `A pending request for ${org} was cancelled: the tenant was removed.`
        : `${who} cancelled a request for ${org}.`;
    case 'request.rejected':
      return `${who} rejected a request for ${org}.`;
    case 'request.expired':
      return `A request for ${org} expired.`;
    case 'member.added':
      return event.detail === 'firstManager'
        ? `${subject}, who signed in to associate ${org}, became its first account user, a Manager.`
        : `${who} added ${subject} as ${roles}.`;
    case 'member.removed':
      return `${who} removed ${subject} from the account.`;
    case 'member.rolesChanged':
      return `${who} changed the roles of ${subject} to ${roles}.`;
  }
}
