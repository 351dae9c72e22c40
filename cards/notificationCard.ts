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

export function notificationCardView(
  event: NotificationEvent,
  options: NotificationCardOptions = {},
): NotificationCardView {
  const org = `${event.orgDisplayName} (${event.defaultDomain})`;
  const decider = event.decidedBy?.displayName;
  const facts = [
    { title: 'Organization', value: event.orgDisplayName },
    { title: 'Domain', value: event.defaultDomain },
    { title: 'Tenant ID', value: event.tenantId },
    { title: 'Requested by', value: event.requestedBy.displayName },
    ...(decider ? [{ title: DECIDED_BY[event.kind], value: decider }] : []),
    { title: 'When', value: localTime(event.at) },
    ...(event.reason ? [{ title: 'Reason', value: event.reason }] : []),
  ];
  return {
    ...WORDING[event.kind](org),
    facts,
    tenantsTabUrl: options.teamsAppId
      ? `https://teams.microsoft.com/l/entity/${encodeURIComponent(options.teamsAppId)}/tenants`
      : '',
  };
}

/** A one-line text for the activity, which Teams shows in notifications where the card is not rendered. */
export function notificationSummary(event: NotificationEvent): string {
  return WORDING[event.kind](`${event.orgDisplayName} (${event.defaultDomain})`).summary;
}

const DECIDED_BY: Record<NotificationEvent['kind'], string> = {
  completed: 'Approved by',
  rejected: 'Rejected by',
  withdrawn: 'Withdrawn by',
  expired: 'Closed by',
};

const WORDING: Record<
  NotificationEvent['kind'],
  (org: string) => Pick<NotificationCardView, 'title' | 'summary' | 'color' | 'nextSteps'>
> = {
  completed: (org) => ({
    title: 'Tenant associated',
    summary: `${org} is now associated with the Partner Center account.`,
    color: 'Good',
    nextSteps:
      "The tenant's users can now be added and managed in Partner Center's **Users** section, by a Manager who is a user of that tenant.",
  }),
  rejected: (org) => ({
    title: 'Association request rejected',
    summary: `The request to associate ${org} was rejected. Nothing was associated.`,
    color: 'Attention',
    nextSteps: '',
  }),
  withdrawn: (org) => ({
    title: 'Association request withdrawn',
    summary: `The request to associate ${org} was withdrawn. Nothing was associated.`,
    color: 'Warning',
    nextSteps: '',
  }),
  expired: (org) => ({
    title: 'Association request expired',
    summary: `The request to associate ${org} expired before it was decided. Nothing was associated.`,
    color: 'Warning',
    nextSteps: 'Type **associate tenant** to the bot to start again.',
  }),
};
