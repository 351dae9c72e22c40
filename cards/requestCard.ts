import type { Account, AssociationRequest } from '../bot/core/model';
import type { ApprovalPolicy, RequestAction } from '../bot/core/requestMachine';
import { defaultDomainOf, orderedDomains, powersInTenant } from '../bot/core/rules';
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
}

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
  nextSteps: string;
  askReason: boolean;
  buttons: { title: string; verb: string; style: Style }[];
  refreshable: boolean;
  refreshUserIds: string[];
}

const render = renderer<RequestCardView>(template);

/** The review card (R3), each viewer's view of an approval, and what they become once decided (R4). */
export function requestCard(
  request: AssociationRequest,
  account: Account,
  options: RequestCardOptions = {},
): CardAttachment {
  const card = render(requestCardView(request, account, options));
  // A card without automatic refresh must not carry a `refresh` at all.
  if (!card.content.refresh) delete card.content.refresh;
  return card;
}

export function requestCardView(
  request: AssociationRequest,
  account: Account,
  options: RequestCardOptions = {},
): RequestCardView {
  const { signIn } = request;
  const org = signIn.orgDisplayName;
  const domains = orderedDomains(signIn.verifiedDomains);
  const open = request.state === 'awaitingConfirm' || request.state === 'awaitingApproval';
  const refreshable = open && request.approval === true && options.refreshUserIds !== undefined;
  const verbs: (RequestAction | 'refresh')[] = open ? [...(options.actions ?? [])] : [];
  // The card everyone shares offers a way to one's own view; a person's own view already is one.
  if (refreshable && options.actions === undefined) verbs.push('refresh');
  return {
    requestId: request.id,
    title: `Associate ${org} with your Partner Center account`,
    notice: options.notice ?? '',
    ...statusOf(request, options.policy ?? 'single'),
    organization: org,
    defaultDomain: defaultDomainOf(signIn.verifiedDomains),
    otherDomains: domains.slice(1).join(', ') || 'None',
    tenantId: signIn.tenantId,
    requestedBy: request.approval ? request.requestedBy.displayName : '',
    signedInAs: `${signIn.user.displayName} (${signIn.user.userPrincipalName})`,
    globalAdmin: signIn.user.isGlobalAdmin ? 'Yes' : 'No',
    account: account.displayName,
    powers: powersText(request),
    nextSteps: nextStepsOf(request, account),
    askReason: verbs.includes('reject'),
    buttons: verbs.map((verb) => ({ verb, ...BUTTONS[verb] })),
    refreshable,
    refreshUserIds: (options.refreshUserIds ?? []).slice(0, MAX_REFRESH_USERS),
  };
}

function statusOf(
  request: AssociationRequest,
  policy: ApprovalPolicy,
): Pick<RequestCardView, 'status' | 'statusColor'> {
  const by = request.decidedBy?.displayName ?? 'someone';
  const when = request.decidedAt ? localTime(request.decidedAt) : '';
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

function nextStepsOf(request: AssociationRequest, account: Account): string {
  const org = request.signIn.orgDisplayName;
  switch (request.state) {
    case 'completed':
      return (
        `${org} is now associated with ${account.displayName}. You can now add and manage account users in the **Users** section of Partner Center. ` +
        endSentence(
          `To manage users of ${org}, sign in to Partner Center as a Manager who is a user in ${org}`,
        )
      );
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
