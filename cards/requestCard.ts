import type { Account, AssociationRequest, TenantRequest } from '../bot/core/model';
import type { RemovalConsequences } from '../bot/core/tenantAssociation';
import type { ApprovalPolicy, RequestAction } from '../bot/core/requestMachine';
import { powersInTenant, tenantOf } from '../bot/core/rules';
import { localTime, renderer, type CardAttachment } from './render';
import template from './templates/association-request.json';

/** Teams refreshes a card automatically for at most 60 people; everyone else refreshes by hand. */
export const MAX_REFRESH_USERS = 60;

type Style = 'positive' | 'destructive' | 'default';

const BUTTONS: Record<RequestAction | 'refresh', { title: string; style: Style }> = {
  confirm: { title: 'Confirm', style: 'positive' },
  cancel: { title: 'Cancel', style: 'default' },
  approve: { title: 'Approve', style: 'positive' },
  reject: { title: 'Reject', style: 'destructive' },
  withdraw: { title: 'Withdraw', style: 'default' },
  refresh: { title: 'Show my options', style: 'default' },
};

export interface RequestCardOptions {
  /** The buttons this viewer gets; none for a card everyone sees alike. */
  actions?: RequestAction[];
  /** A line on top, for the viewer only (e.g. why their click changed nothing). */
  notice?: string;
  policy?: ApprovalPolicy;
  /**
   * For the card posted in a group chat while it awaits approval: Teams fetches each listed person's own view
   * (Universal Actions user-specific views); everyone else gets "Show my options".
   */
  refreshUserIds?: string[];
  /** For a removal still open: what it will take away (R12), as the account stands now. */
  consequences?: RemovalConsequences;
}

/** Partner Center itself, where the account's users sign in (the seed document's dashboard link). */
const PARTNER_CENTER_URL = 'https://partner.microsoft.com/dashboard';

export interface RequestCardView {
  requestId: string;
  title: string;
  notice: string;
  status: string;
  statusColor: 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';
  organization: string;
  defaultDomain: string;
  otherDomains: string;
  tenantId: string;
  requestedBy: string;
  signedInAs: string;
  globalAdmin: string;
  account: string;
  powers: string;
  consequencesTitle: string;
  consequences: string[];
  nextSteps: string;
  askReason: boolean;
  buttons: { title: string; verb: string; style: Style }[];
  refreshable: boolean;
  refreshUserIds: string[];
}

const render = renderer<RequestCardView>(template);

/** The review card (R3), each viewer's view of an approval, and what they become once decided (R4). */
export function requestCard(
  request: TenantRequest,
  account: Account,
  options: RequestCardOptions = {},
): CardAttachment {
  const card = render(requestCardView(request, account, options));
  // A card without automatic refresh must not carry a `refresh` at all.
  if (!card.content.refresh) delete card.content.refresh;
  return card;
}

function requestCardView(
  request: TenantRequest,
  account: Account,
  options: RequestCardOptions = {},
): RequestCardView {
  const tenant = tenantOf(request);
  const org = tenant.orgDisplayName;
  const open = request.state === 'awaitingConfirm' || request.state === 'awaitingApproval';
  const refreshable = open && request.approval === true && options.refreshUserIds !== undefined;
  const verbs: (RequestAction | 'refresh')[] = open ? [...(options.actions ?? [])] : [];
  // The card everyone shares offers a way to one's own view; a person's own view already is one.
  if (refreshable && options.actions === undefined) verbs.push('refresh');
  const signIn = request.kind === 'remove' ? undefined : request.signIn;
  const consequences = open && request.kind === 'remove' ? consequencesOf(options.consequences) : [];
  return {
    requestId: request.id,
    title:
      request.kind === 'remove'
        ? `Remove ${org} from your Partner Center account`
        : `Associate ${org} with your Partner Center account`,
    notice: options.notice ?? '',
    ...statusOf(request, options.policy ?? 'single'),
    organization: org,
    defaultDomain: tenant.defaultDomain,
    otherDomains: tenant.verifiedDomains.filter((d) => d !== tenant.defaultDomain).join(', ') || 'None',
    tenantId: tenant.tenantId,
    requestedBy: request.approval ? request.requestedBy.displayName : '',
    signedInAs: signIn ? `${signIn.user.displayName} (${signIn.user.userPrincipalName})` : '',
    globalAdmin: signIn?.user.isGlobalAdmin ? 'Yes' : 'No',
    account: account.displayName,
    powers: request.kind === 'remove' ? '' : powersText(request),
    consequencesTitle: `When ${org} is removed, its users can no longer sign in to ${account.displayName}:`,
    consequences,
    nextSteps: nextStepsOf(request, account),
    askReason: verbs.includes('reject'),
    buttons: verbs.map((verb) => ({ verb, ...BUTTONS[verb] })),
    refreshable,
    refreshUserIds: (options.refreshUserIds ?? []).slice(0, MAX_REFRESH_USERS),
  };
}

/** R12, said before it happens: whose roles go, which requests end. Long lists are cut, with the count. */
function consequencesOf(consequences: RemovalConsequences | undefined): string[] {
  if (!consequences) return [];
  const { users, pending } = consequences;
  const shown = users
    .slice(0, 20)
    .map((u) => `${u.displayName} loses the role${u.roles.length === 1 ? '' : 's'} ${u.roles.join(', ')}`);
  if (users.length > shown.length)
    shown.push(`and ${users.length - shown.length} more account users lose theirs`);
  if (users.length === 0) shown.push('No account user of it holds a role.');
  for (const other of pending.slice(0, 10)) {
    shown.push(`The pending request of ${other.requestedBy.displayName} for it is cancelled`);
  }
  return shown;
}

function statusOf(
  request: TenantRequest,
  policy: ApprovalPolicy,
): Pick<RequestCardView, 'status' | 'statusColor'> {
  const by = request.decidedBy?.displayName ?? 'someone';
  const when = request.decidedAt ? localTime(request.decidedAt) : '';
  if (request.kind === 'remove') return removalStatusOf(request, policy, by, when);
  switch (request.state) {
    case 'awaitingConfirm':
      return {
        status: 'Review the organization and domain below. Nothing is associated until you select Confirm.',
        statusColor: 'Accent',
      };
    case 'awaitingApproval':
      return {
        status:
          policy === 'two-person'
            ? `Waiting for a Manager other than ${request.requestedBy.displayName} to approve. Nothing is associated until then.`
            : 'Waiting for a Manager to approve. Nothing is associated until then.',
        statusColor: 'Accent',
      };
    case 'completed':
      return {
        status: `${request.approval ? 'Approved' : 'Associated'} by ${by}, ${when}.`,
        statusColor: 'Good',
      };
    case 'rejected':
      return {
        status: `Rejected by ${by}, ${when}.${request.reason ? ` Reason: ${request.reason}` : ''} Nothing was associated.`,
        statusColor: 'Attention',
      };
    case 'cancelled':
      return request.reason === 'alreadyAssociated'
        ? { status: 'This tenant was already associated, so nothing was changed.', statusColor: 'Warning' }
        : {
            status: `${request.approval ? 'Withdrawn' : 'Cancelled'} by ${by}, ${when}. Nothing was associated.`,
            statusColor: 'Warning',
          };
    case 'expired':
      return {
        status: request.approval
          ? 'This request expired before a Manager approved it. Nothing was associated.'
          : 'This request expired before it was confirmed. Nothing was associated.',
        statusColor: 'Warning',
      };
  }
}

function removalStatusOf(
  request: TenantRequest,
  policy: ApprovalPolicy,
  by: string,
  when: string,
): Pick<RequestCardView, 'status' | 'statusColor'> {
  switch (request.state) {
    case 'awaitingConfirm':
      return {
        status: 'Review what removing this tenant takes away. Nothing is removed until you select Confirm.',
        statusColor: 'Attention',
      };
    case 'awaitingApproval':
      return {
        status:
          policy === 'two-person'
            ? `Waiting for a Manager other than ${request.requestedBy.displayName} to approve. Nothing is removed until then.`
            : 'Waiting for a Manager to approve. Nothing is removed until then.',
        statusColor: 'Attention',
      };
    case 'completed':
      return {
        status: `${request.approval ? 'Approved' : 'Removed'} by ${by}, ${when}.`,
        statusColor: 'Good',
      };
    case 'rejected':
      return {
        status: `Rejected by ${by}, ${when}.${request.reason ? ` Reason: ${request.reason}` : ''} Nothing was removed.`,
        statusColor: 'Attention',
      };
    case 'cancelled':
      return request.reason === 'notAssociated'
        ? { status: 'This tenant was already removed, so nothing was changed.', statusColor: 'Warning' }
        : {
            status: `${request.approval ? 'Withdrawn' : 'Cancelled'} by ${by}, ${when}. Nothing was removed.`,
            statusColor: 'Warning',
          };
    case 'expired':
      return { status: 'This request expired, so nothing was removed.', statusColor: 'Warning' };
  }
}

/**
 * R5: what the person who signed in can do in that tenant. Named rather than "you": in a group chat the
 * reader is often someone else.
 */
function powersText(request: AssociationRequest): string {
  const { user, orgDisplayName: org } = request.signIn;
  const powers = powersInTenant(user.isGlobalAdmin);
  return powers.canCreateUsers
    ? `${user.displayName}, who signed in, is a global administrator of ${org}, so they can also create new users and make other changes to its directory. Associating it and adding users who already exist in it need no such permission.`
    : `${user.displayName}, who signed in, is not a global administrator of ${org}. That isn't needed to associate it or to add users who already exist in it. Creating new users or making other changes to its directory takes a global administrator of ${org}.`;
}

function nextStepsOf(request: TenantRequest, account: Account): string {
  const org = tenantOf(request).orgDisplayName;
  if (request.kind === 'remove') {
    return request.state === 'completed'
      ? `${org} is no longer associated with ${account.displayName}: its users can no longer sign in to the account, and their roles were removed. Nothing was deleted from its directory.`
      : '';
  }
  switch (request.state) {
    case 'completed': {
      const { user } = request.signIn;
      return (
        `${org} is now associated with ${account.displayName}. You can now add and manage account users in the **Users** section of [Partner Center](${PARTNER_CENTER_URL}), or here: type **add users**. ` +
        // R11 and R6: who can manage the new tenant's users right away.
        `${user.displayName}, who signed in, is now a user of the account with the **Manager** role, so the users of ${org} can be managed at once. ` +
        endSentence(`Managing users of ${org} takes a Manager who is a user in ${org}`)
      );
    }
    case 'expired':
    case 'cancelled':
    case 'rejected':
      return 'Type **associate tenant** to start again.';
    default:
      return '';
  }
}

/** "Fabrikam, Inc." already ends the sentence. */
function endSentence(text: string): string {
  return text.endsWith('.') ? text : `${text}.`;
}
