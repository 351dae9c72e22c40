import type { Account, AssociationRequest } from '../bot/core/model';
import { defaultDomainOf, orderedDomains, powersInTenant } from '../bot/core/rules';
import { localTime, renderer, type CardAttachment } from './render';
import template from './templates/association-request.json';

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
  signedInAs: string;
  globalAdmin: string;
  account: string;
  powers: string;
  nextSteps: string;
  canConfirm: boolean;
}

const render = renderer<RequestCardView>(template);

/** The review card (R3), and what it becomes once the request is decided (R4). */
export function requestCard(request: AssociationRequest, account: Account, notice = ''): CardAttachment {
  return render(requestCardView(request, account, notice));
}

export function requestCardView(request: AssociationRequest, account: Account, notice = ''): RequestCardView {
  const { signIn } = request;
  const org = signIn.orgDisplayName;
  const domains = orderedDomains(signIn.verifiedDomains);
  return {
    requestId: request.id,
    title: `Associate ${org} with your Partner Center account`,
    notice,
    ...statusOf(request),
    organization: org,
    defaultDomain: defaultDomainOf(signIn.verifiedDomains),
    otherDomains: domains.slice(1).join(', ') || 'None',
    tenantId: signIn.tenantId,
    signedInAs: `${signIn.user.displayName} (${signIn.user.userPrincipalName})`,
    globalAdmin: signIn.user.isGlobalAdmin ? 'Yes' : 'No',
    account: account.displayName,
    powers: powersText(org, signIn.user.isGlobalAdmin),
    nextSteps: nextStepsOf(request, account),
    canConfirm: request.state === 'awaitingConfirm',
  };
}

function statusOf(request: AssociationRequest): Pick<RequestCardView, 'status' | 'statusColor'> {
  const by = request.decidedBy?.displayName ?? 'someone';
  const when = request.decidedAt ? localTime(request.decidedAt) : '';
  switch (request.state) {
    case 'awaitingConfirm':
      return {
        status: 'Review the organization and domain below. Nothing is associated until you select Confirm.',
        statusColor: 'Accent',
      };
    case 'awaitingApproval':
      return { status: 'Waiting for a Manager to approve.', statusColor: 'Accent' };
    case 'completed':
      return { status: `Associated by ${by}, ${when}.`, statusColor: 'Good' };
    case 'rejected':
      return { status: `Rejected by ${by}, ${when}. Nothing was associated.`, statusColor: 'Attention' };
    case 'cancelled':
      return request.reason === 'alreadyAssociated'
        ? { status: 'This tenant was already associated, so nothing was changed.', statusColor: 'Warning' }
        : { status: `Cancelled by ${by}, ${when}. Nothing was associated.`, statusColor: 'Warning' };
    case 'expired':
      return {
        status: 'This request expired before it was confirmed. Nothing was associated.',
        statusColor: 'Warning',
      };
  }
}

/** R5: what the signed-in person can and cannot do in that tenant, depending on global administrator. */
function powersText(org: string, isGlobalAdmin: boolean): string {
  const powers = powersInTenant(isGlobalAdmin);
  return powers.canCreateUsers
    ? `You are a global administrator of ${org}: you can associate it, add its existing users to the account, and also create new users or make other changes to its directory.`
    : `You are not a global administrator of ${org}. You don't need to be one to associate it or to add users who already exist in it. To create new users or make other changes to its directory, sign in as a global administrator of ${org}.`;
}

function nextStepsOf(request: AssociationRequest, account: Account): string {
  const org = request.signIn.orgDisplayName;
  switch (request.state) {
    case 'completed':
      return (
        `${org} is now associated with ${account.displayName}. You can now add and manage account users in the **Users** section of Partner Center. ` +
        `To manage users of ${org}, sign in to Partner Center as a Manager who is a user in ${org}.`
      );
    case 'expired':
    case 'cancelled':
    case 'rejected':
      return 'Type **associate tenant** to start again.';
    default:
      return '';
  }
}
