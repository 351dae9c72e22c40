import type { Dependency } from '../bot/core/errors';
import type { Account, Member, TenantRequest, TenantSummary } from '../bot/core/model';
import { tenantOf } from '../bot/core/rules';
import type { ConversationRef } from '../bot/notifications/model';
import type { SubscriptionRefusal } from '../bot/notifications/subscriptions';

const CREATE_TENANT_URL =
  'https://learn.microsoft.com/partner-center/account-settings/create-new-azure-ad-tenant';

/** The words the bot says, in one place so they read as one voice. */
export const replies = {
  help: (account: Account) =>
    [
      `I associate your organization's Microsoft Entra ID (Azure AD) tenants with the Partner Center account **${account.displayName}**.`,
      '',
      '- **associate tenant**: sign in to a tenant, review its organization and domains, and confirm',
      '- **associate another tenant**: the same, for one more tenant (you sign in again)',
      '- **tenants**: list the associated tenants',
      "- **users**: the account's users and their roles",
      '- **add users**: add people of an associated tenant to the account, with roles (you sign in to that tenant)',
      '- **remove tenant**: remove a tenant from the account; its users lose their roles',
      '- **history**: what happened in the account, newest first',
      '- **cancel**: stop the association in progress',
      '- **sign out**: forget the tenant sign-in',
      '- **notify here** / **notify off** / **notify status**: have a channel or group chat hear about new tenants',
      '',
      'Only users with the **Manager** role in the account can associate or remove tenants, add users or change roles, and see the history.',
    ].join('\n'),

  unknown: (text: string, account: Account) =>
    `I didn't understand "${clip(text)}".\n\n${replies.help(account)}`,

  signInPrompt: (account: Account, requester?: string) =>
    (requester ? `${requester}, this sign-in is for you only. ` : '') +
    `Sign in with an account of the Microsoft Entra ID tenant you want to associate with **${account.displayName}**. ` +
    `It can be another organization than the one you use Teams with. If you're shown a 6-digit code, type it here` +
    (requester ? ', mentioning me. Then a Manager of the account approves the request here.' : '.'),

  signInTitle: 'Sign in to the tenant',

  signInFailed: (detail?: string) =>
    `The sign-in to the tenant didn't complete${detail ? ` (${clip(detail)})` : ''}, so nothing was changed. ` +
    'Select **Sign in to the tenant** to try again, or type **associate tenant** to start over.',

  directoryUnavailable:
    "I couldn't read the directory of the tenant you signed in to: Microsoft Graph didn't answer. " +
    'Nothing was associated. Type **associate tenant** to try again.',

  signInServiceUnavailable:
    "I couldn't reach the sign-in service, so nothing was changed. Please try again in a minute.",

  storageUnavailable:
    "I can't reach my storage right now, so nothing was changed. Please try again in a minute.",

  /** What people are told when a service the product depends on does not answer: nothing was changed. */
  unavailable: (dependency: Dependency): string =>
    ({
      directory: replies.directoryUnavailable,
      signIn: replies.signInServiceUnavailable,
      storage: replies.storageUnavailable,
    })[dependency],

  somethingWentWrong: 'Sorry, something went wrong on my side and nothing was changed. Please try again.',

  cancelled: (request?: TenantRequest) =>
    request
      ? `Cancelled. ${tenantOf(request).orgDisplayName} was not ${request.kind === 'remove' ? 'removed' : 'associated'}.`
      : 'Cancelled. Nothing was changed.',

  nothingToCancel: 'There is nothing to cancel.',

  unknownAction: 'Type **help** to see what I can do.',

  unknownCardAction: "That card action isn't something I know. Type **help** to see what I can do.",

  signedOut: "You're signed out of the tenant sign-in. Type **associate tenant** to sign in again.",

  notifyOn: (account: Account) =>
    `Done: this conversation will hear whenever a tenant is associated with **${account.displayName}**, and when a request is rejected, withdrawn or expires. Type **notify off** to stop.`,

  notifyOff: (account: Account) =>
    `Done: this conversation won't hear about **${account.displayName}**'s tenants any more. Type **notify here** to start again.`,

  notifyPersonal: (account: Account) =>
    `Managers of **${account.displayName}** already hear about its tenants here, in their personal chat with me. ` +
    'To have a channel or group chat hear about them too, type **notify here** there, mentioning me.',

  notifyStatus: (here: boolean, subscribed: ConversationRef[] | undefined, account: Account) => {
    const lines = [
      here
        ? `This conversation hears about **${account.displayName}**'s tenants.`
        : `This conversation doesn't hear about **${account.displayName}**'s tenants. A Manager can type **notify here** to change that.`,
    ];
    if (subscribed) {
      lines.push(
        subscribed.length === 0
          ? 'No channel or group chat is subscribed.'
          : `Subscribed: ${subscribed.map((s) => s.name ?? (s.kind === 'channel' ? 'a channel' : 'a group chat')).join(', ')}.`,
      );
    }
    return lines.join('\n\n');
  },

  personalOnly: (command: string) =>
    `**${command}** shows the account's people and history, so I answer it only in our personal chat: message me there.`,

  manageSignInTitle: 'Sign in to the tenant',

  manageSignInPrompt: (tenant: TenantSummary) =>
    `Sign in to ${tenant.orgDisplayName} with your own account there: adding and changing its users takes a Manager of the ` +
    `account who is one of its users. If you're shown a 6-digit code, type it here.`,

  manageSignInSent: (tenant: TenantSummary) =>
    `I sent you a sign-in for ${tenant.orgDisplayName} below. Once you're signed in, you can search its directory.`,

  managingEnded: (tenant?: TenantSummary) =>
    `Your sign-in to ${tenant?.orgDisplayName ?? 'that tenant'} has ended, so nothing was changed. ` +
    'Type **add users** to sign in again.',

  pickPeople: 'Pick at least one person to add, and at least one role.',

  chooseTenant: 'Choose a tenant first.',

  chooseUser: 'Choose the user to change first.',

  typeToSearch: 'Type part of a name or an e-mail address to search for.',

  usersAdded: (added: Member[], existing: Member[]) =>
    [
      added.length > 0
        ? `Added ${names(added)} as ${added[0].roles.join(', ')}: the roles apply at once.`
        : 'Nobody new was added.',
      existing.length > 0
        ? `Already users of the account, left as they were: ${existing.map((m) => `${m.displayName} (${m.roles.join(', ')})`).join('; ')}.`
        : '',
    ]
      .filter(Boolean)
      .join(' '),

  rolesSaved: (member: Member) => `${member.displayName} now has the roles ${member.roles.join(', ')}.`,

  userRemoved: (member: Member) =>
    `${member.displayName} is no longer a user of the account. They keep their account in their own directory.`,

  nothingChanged: 'Nothing was changed.',

  managingDone: (tenant?: TenantSummary) =>
    `Done. I signed you out of ${tenant?.orgDisplayName ?? 'the tenant'}. Type **users** to see the account's users.`,

  removalReview: (tenant: TenantSummary) =>
    `Review below what removing ${tenant.orgDisplayName} takes away, then confirm.`,

  historyEmpty: 'Nothing has happened in the account yet.',

  welcome: (account: Account) =>
    `Hi! I help the Managers of **${account.displayName}** associate their Microsoft Entra ID tenants with it. ` +
    'Type **associate tenant** to begin, or **help** to see everything I can do.',

  refusal: (refusal: SubscriptionRefusal, account: Account): string => {
    switch (refusal.kind) {
      case 'roleRequired': {
        const to = refusal.to ?? 'associate or approve a tenant';
        return refusal.isMember
          ? `Only users with the **${refusal.role}** role in the Partner Center account ${account.displayName} can ${to}. ` +
              `Ask one of its Managers to give you the ${refusal.role} role, or to do it for you.`
          : `Only users with the **${refusal.role}** role in the Partner Center account ${account.displayName} can ${to}, ` +
              `and you aren't a user of that account. Ask one of its Managers to add you with the ${refusal.role} role.`;
      }
      case 'personalAccount':
        return (
          `You signed in as ${refusal.userPrincipalName}, a personal Microsoft account. It doesn't belong to an organization's ` +
          'Microsoft Entra ID tenant, so there is nothing to associate. Sign in with a work or school account of your organization; ' +
          `if your organization has no tenant yet, you can [create a new one from Partner Center](${CREATE_TENANT_URL}) at no additional charge, ` +
          'then type **associate tenant**.'
        );
      case 'alreadyAssociated': {
        const a = refusal.association;
        return (
          `${a.orgDisplayName} (${a.defaultDomain}) is already associated with ${account.displayName}: ` +
          `${a.associatedBy.displayName} associated it on ${a.associatedAt.slice(0, 10)}. Nothing was changed.`
        );
      }
      case 'requestNotFound':
        return "I can't find that request; it may have ended a while ago. Type **associate tenant** to start again.";
      case 'foreignRequest':
        return 'That request belongs to another conversation, so it can only be acted on there.';
      case 'notRequester':
        return `Only ${refusal.request.requestedBy.displayName}, who started this request, can do that.`;
      case 'ownRequest':
        return 'This account needs a second Manager to approve: a Manager other than the one who asked must approve this request.';
      case 'actionNotAvailable':
        return "That isn't something this request offers any more. Here is where it stands.";
      case 'requestExpired':
        return 'This request expired before it was confirmed, so nothing was associated. Type **associate tenant** to start again.';
      case 'requestFinished':
        return finished(refusal.request);
      case 'noSignInInProgress':
        return 'There is no tenant sign-in in progress. Type **associate tenant** to start one.';
      case 'signInExpired':
        return 'That sign-in took too long. Type **associate tenant** to start again.';
      case 'codeRejected':
        return (
          "That code didn't work. Codes work once and for 10 minutes: select **Sign in to the tenant** again to get a new one, " +
          'or type **cancel**.'
        );
      case 'personalChat':
        return replies.notifyPersonal(account);
      case 'ownTenant':
        return (
          `${refusal.tenant.orgDisplayName} is the tenant you use Teams with, so you can't remove it: you would remove yourself. ` +
          `Another Manager of ${account.displayName} who is not a user of ${refusal.tenant.orgDisplayName} can.`
        );
      case 'lastTenant':
        return (
          `${refusal.tenant.orgDisplayName} is the only tenant associated with ${account.displayName}. ` +
          `Only the account's owner can remove the last tenant, in [Partner Center](https://partner.microsoft.com/dashboard).`
        );
      case 'notAssociated':
        return `That tenant isn't associated with ${account.displayName} (any more). Type **tenants** to see the ones that are.`;
      case 'notTenantManager':
        return (
          `Managing the users of ${refusal.tenant.orgDisplayName} takes a Manager of ${account.displayName} who is a user of ${refusal.tenant.orgDisplayName}. ` +
          'Sign in with such an account, or ask one of those Managers.'
        );
      case 'lastManager':
        return `${refusal.member.displayName} is the last Manager of ${account.displayName}: the account always keeps at least one. Give another user the Manager role first.`;
      case 'notMember':
        return `${refusal.member.displayName} is not a user of ${account.displayName} (any more).`;
      case 'noRoles':
        return "Choose at least one role: Partner Center's users always hold one.";
      case 'tooManyAttempts':
        return (
          `That's a lot of ${refusal.attempt === 'signIn' ? 'sign-ins started' : 'directory searches'} in a minute, so I'm pausing: ` +
          `please try again in ${refusal.retryAfterSeconds} seconds. Nothing was changed.`
        );
    }
  },
};

function names(members: Member[]): string {
  const all = members.map((m) => m.displayName);
  return all.length <= 1 ? all.join('') : `${all.slice(0, -1).join(', ')} and ${all[all.length - 1]}`;
}

function finished(request: TenantRequest): string {
  const by = request.decidedBy?.displayName ?? 'someone';
  const nothing = request.kind === 'remove' ? 'nothing was removed' : 'nothing was associated';
  switch (request.state) {
    case 'completed':
      return request.approval
        ? `This request was already approved by ${by}.`
        : `This request was already completed by ${by}.`;
    case 'cancelled':
      return request.reason === 'alreadyAssociated'
        ? 'This tenant was already associated, so this request was closed.'
        : request.reason === 'tenantRemoved'
          ? 'This tenant was removed from the account, so this request was closed.'
          : `This request was ${request.approval ? 'withdrawn' : 'cancelled'} by ${by}, so ${nothing}.`;
    case 'rejected':
      return `This request was already rejected by ${by}.`;
    case 'expired':
      return 'This request expired before it was confirmed.';
    default:
      return 'This request has changed; here is where it stands.';
  }
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
