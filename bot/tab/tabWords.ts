import type { TenantSummary } from '../core/model';

/**
 * What the tab says where the bot's words (cards/replies.ts) would tell people to type a command: the same
 * voice, with the tab's buttons instead.
 */
export const tabWords = {
  managingEnded: (tenant?: TenantSummary) =>
    `Your sign-in to ${tenant?.orgDisplayName ?? 'that tenant'} has ended, so nothing was changed. ` +
    `Sign in to ${tenant?.orgDisplayName ?? 'it'} again from the Users page.`,

  signedOut: (tenant?: TenantSummary) =>
    `You're signed out of ${tenant?.orgDisplayName ?? 'the tenant'}. Nothing of that sign-in is kept.`,

  pickFromResults: 'Pick people from the search results: only people found in the directory can be added.',

  searchUnavailable: (tenant: TenantSummary) =>
    `You're signed in to ${tenant.orgDisplayName}, but Microsoft Graph didn't answer the search, so nothing was changed. ` +
    'Please search again in a minute.',

  tooManyFound: (shown: number) =>
    `More than ${shown} people match: type more of the name or e-mail address to narrow the search.`,
};
