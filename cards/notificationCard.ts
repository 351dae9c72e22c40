import type { NotificationEvent } from '../bot/core/model';
import { localTime, renderer, type CardAttachment } from './render';
import template from './templates/notification.json';

interface NotificationCardView {
  title: string;
  summary: string;
  color: 'Good' | 'Warning' | 'Attention' | 'Default';
  facts: { title: string; value: string }[];
  nextSteps: string;
  tenantsTabUrl: string;
}

export interface NotificationCardOptions {
  /** The Teams app id (TEAMS_APP_ID): with it the card links to the app's Tenants tab. */
  teamsAppId?: string;
}

const render = renderer<NotificationCardView>(template);

/** How a request ended, told to the requester, the account's Managers and subscribed chats. */
export function notificationCard(
  event: NotificationEvent,
  options: NotificationCardOptions = {},
): CardAttachment {
  return render(notificationCardView(event, options));
}

function notificationCardView(
  event: NotificationEvent,
  options: NotificationCardOptions = {},
): NotificationCardView {
  const decider = event.decidedBy?.displayName;
  const facts =
    event.kind === 'rolesChanged'
      ? [
          { title: 'Organization', value: event.orgDisplayName },
          { title: 'Your roles', value: event.roles?.length ? event.roles.join(', ') : 'None' },
          ...(decider ? [{ title: 'Changed by', value: decider }] : []),
          { title: 'When', value: localTime(event.at) },
        ]
      : [
          { title: 'Organization', value: event.orgDisplayName },
          { title: 'Domain', value: event.defaultDomain },
          { title: 'Tenant ID', value: event.tenantId },
          { title: 'Requested by', value: event.requestedBy.displayName },
          ...(decider ? [{ title: DECIDED_BY[event.kind], value: decider }] : []),
          { title: 'When', value: localTime(event.at) },
          ...(event.reason ? [{ title: 'Reason', value: event.reason }] : []),
        ];
  return {
    ...wordingOf(event),
    facts,
    tenantsTabUrl: options.teamsAppId
      ? `https://teams.microsoft.com/l/entity/${encodeURIComponent(options.teamsAppId)}/tenants`
      : '',
  };
}

/** A one-line text for the activity, which Teams shows in notifications where the card is not rendered. */
export function notificationSummary(event: NotificationEvent): string {
  return wordingOf(event).summary;
}

const DECIDED_BY: Record<NotificationEvent['kind'], string> = {
  completed: 'Approved by',
  rejected: 'Rejected by',
  withdrawn: 'Withdrawn by',
  expired: 'Closed by',
  removed: 'Removed by',
  rolesChanged: 'Changed by',
};

type Wording = Pick<NotificationCardView, 'title' | 'summary' | 'color' | 'nextSteps'>;

function wordingOf(event: NotificationEvent): Wording {
  const org = `${event.orgDisplayName} (${event.defaultDomain})`;
  const what = event.removal ? 'remove' : 'associate';
  const nothing = event.removal ? 'Nothing was removed.' : 'Nothing was associated.';
  switch (event.kind) {
    case 'completed':
      return {
        title: 'Tenant associated',
        summary: `${org} is now associated with the Partner Center account.`,
        color: 'Good',
        nextSteps:
          "The tenant's users can now be added and managed in Partner Center's **Users** section, or with **add users** here, by a Manager who is a user of that tenant.",
      };
    case 'removed':
      return {
        title: 'Tenant removed',
        summary: `${org} is no longer associated with the Partner Center account: its users can no longer sign in to it, and their roles were removed.`,
        color: 'Attention',
        nextSteps:
          'Nothing was deleted from its directory. A Manager can associate it again with **associate tenant**.',
      };
    case 'rejected':
      return {
        title: event.removal ? 'Removal request rejected' : 'Association request rejected',
        summary: `The request to ${what} ${org} was rejected. ${nothing}`,
        color: 'Attention',
        nextSteps: '',
      };
    case 'withdrawn':
      return {
        title: event.removal ? 'Removal request withdrawn' : 'Association request withdrawn',
        summary: `The request to ${what} ${org} was withdrawn. ${nothing}`,
        color: 'Warning',
        nextSteps: '',
      };
    case 'expired':
      return {
        title: event.removal ? 'Removal request expired' : 'Association request expired',
        summary: `The request to ${what} ${org} expired before it was decided. ${nothing}`,
        color: 'Warning',
        nextSteps: event.removal ? '' : 'Type **associate tenant** to the bot to start again.',
      };
    case 'rolesChanged':
      return event.roles?.length
        ? {
            title: 'Your roles in the Partner Center account',
            summary: `Your roles in the Partner Center account are now: ${event.roles.join(', ')}.`,
            color: 'Good',
            nextSteps: 'They take effect at once.',
          }
        : {
            title: 'Removed from the Partner Center account',
            summary: 'You are no longer a user of the Partner Center account, and hold no role in it.',
            color: 'Attention',
            nextSteps:
              'Nothing was deleted from your directory. Ask one of its Managers if this is a mistake.',
          };
  }
}
