import { OPEN_STATES, type AssociationRequest, type Person, type RequestState } from './model';
import type { Refusal } from './refusals';

export type Decision = { ok: true; next: AssociationRequest } | { ok: false; refusal: Refusal };

export type RequestAction = 'confirm' | 'cancel';

/** Where each action takes an open request. */
const TARGET: Record<RequestAction, RequestState> = {
  confirm: 'completed',
  cancel: 'cancelled',
};

export function isOpen(request: AssociationRequest): boolean {
  return OPEN_STATES.includes(request.state);
}

export function isDue(request: AssociationRequest, now: Date): boolean {
  return isOpen(request) && now.getTime() >= Date.parse(request.expiresAt);
}

/**
 * Decides one action on a request. Pure: the caller persists `next` with a compare-and-set on
 * `request.version`, so of two concurrent decisions from the same version only one lands.
 */
export function decide(
  request: AssociationRequest,
  action: RequestAction,
  actor: Person,
  conversationId: string,
  now: Date,
): Decision {
  if (request.conversationId !== conversationId) return refuse({ kind: 'foreignRequest' });
  if (!isOpen(request)) return refuse({ kind: 'requestFinished', request });
  if (isDue(request, now)) return refuse({ kind: 'requestExpired', request });
  if (!samePerson(request.requestedBy, actor)) return refuse({ kind: 'notRequester', request });
  return { ok: true, next: advance(request, TARGET[action], actor, now) };
}

/** An open request whose lifetime has passed, moved to `expired`; undefined when it is not due. */
export function expire(request: AssociationRequest, now: Date): AssociationRequest | undefined {
  if (!isDue(request, now)) return undefined;
  return { ...request, state: 'expired', version: request.version + 1, decidedAt: now.toISOString() };
}

export function advance(
  request: AssociationRequest,
  state: RequestState,
  actor: Person,
  now: Date,
  reason?: string,
): AssociationRequest {
  return {
    ...request,
    state,
    version: request.version + 1,
    decidedBy: actor,
    decidedAt: now.toISOString(),
    ...(reason ? { reason } : {}),
  };
}

export function samePerson(
  a: Pick<Person, 'tenantId' | 'objectId'>,
  b: Pick<Person, 'tenantId' | 'objectId'>,
) {
  return a.objectId === b.objectId && a.tenantId.toLowerCase() === b.tenantId.toLowerCase();
}

function refuse(refusal: Refusal): Decision {
  return { ok: false, refusal };
}
