import type { Activity } from 'botbuilder';
import type { Person } from '../core/model';

/**
 * Who is acting, from the authenticated activity: Teams puts the user's Entra object id and tenant on
 * every activity. Card data is never consulted for identity.
 */
export function personFrom(activity: Activity): Person | undefined {
  const objectId = activity.from?.aadObjectId;
  const tenantId = activity.conversation?.tenantId ?? channelTenant(activity);
  if (!objectId || !tenantId) return undefined;
  return { tenantId, objectId, displayName: activity.from.name || 'A user' };
}

function channelTenant(activity: Activity): string | undefined {
  const data = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  return typeof data?.tenant?.id === 'string' ? data.tenant.id : undefined;
}
