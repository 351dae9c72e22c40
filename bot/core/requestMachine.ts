import { OPEN_STATES, type Person, type RequestState, type TenantRequest } from './model';
import { ok, refuse, type Result } from './result';

export type RequestAction = 'confirm' | 'cancel' | 'approve' | 'reject' | 'withdraw';

/** `single`: any Manager approves, the requester too. `two-person`: a Manager other than the requester. */
export type ApprovalPolicy = 'single' | 'two-person';

/** Who is acting, as the server knows them (never from card data). */
export interface Actor {
  person: Person;
  isMember: boolean;
  isManager: boolean;
}

interface Rule {
  from: RequestState;
  to: RequestState;
  /** The requester acts on their own request; a Manager decides someone's request. */
  by: 'requester' | 'manager';
  /** R1: completing an association always takes the Manager role, whoever acts. */
  managerOnly: boolean;
}

/** Every move a request can make: personal chats confirm, group chats approve. */
const RULES: Record<RequestAction, Rule> = {
  confirm: { from: 'awaitingConfirm', to: 'completed', by: 'requester', managerOnly: true },
  cancel: { from: 'awaitingConfirm', to: 'cancelled', by: 'requester', managerOnly: false },
  approve: { from: 'awaitingApproval', to: 'completed', by: 'manager', managerOnly: true },
  reject: { from: 'awaitingApproval', to: 'rejected', by: 'manager', managerOnly: true },
  withdraw: { from: 'awaitingApproval', to: 'cancelled', by: 'requester', managerOnly: false },
};

export const ACTIONS = Object.keys(RULES) as RequestAction[];

export function isOpen(request: TenantRequest): boolean {
  return OPEN_STATES.includes(request.state);
}

export function isDue(request: TenantRequest, now: Date): boolean {
  return isOpen(request) && now.getTime() >= Date.parse(request.expiresAt);
}

export interface Context {
  conversationId: string;
  now: Date;
  policy: ApprovalPolicy;
  reason?: string;
}

/**
 * Decides one action on a request. Pure: the caller persists `next` with a compare-and-set on
 * `request.version`, so of two concurrent decisions from the same version only one lands.
 */
export function decide<R extends TenantRequest>(
  request: R,
  action: RequestAction,
  actor: Actor,
  context: Context,
): Result<R> {
  const rule = RULES[action];
  const isRequester = samePerson(request.requestedBy, actor.person);
  if (request.conversationId !== context.conversationId) return refuse({ kind: 'foreignRequest' });
  if (!isOpen(request)) return refuse({ kind: 'requestFinished', request });
  if (isDue(request, context.now)) return refuse({ kind: 'requestExpired', request });
  if (request.state !== rule.from) return refuse({ kind: 'actionNotAvailable', request });
  if (rule.by === 'requester' && !isRequester) return refuse({ kind: 'notRequester', request });
  if (rule.managerOnly && !actor.isManager) {
    return refuse({ kind: 'roleRequired', role: 'Manager', isMember: actor.isMember });
  }
  if (rule.by === 'manager' && isRequester && context.policy === 'two-person') {
    return refuse({ kind: 'ownRequest', request });
  }
  return ok(advance(request, rule.to, actor.person, context.now, context.reason));
}

/** What this person may do with the request now: the buttons their view of the card shows. */
export function availableActions(request: TenantRequest, actor: Actor, context: Context): RequestAction[] {
  return ACTIONS.filter((action) => decide(request, action, actor, context).ok);
}

/** An open request whose lifetime has passed, moved to `expired`; undefined when it is not due. */
export function expire<R extends TenantRequest>(request: R, now: Date): R | undefined {
  if (!isDue(request, now)) return undefined;
  return { ...request, state: 'expired', version: request.version + 1, decidedAt: now.toISOString() };
}

export function advance<R extends TenantRequest>(
  request: R,
  state: RequestState,
  actor: Person,
  now: Date,
  reason?: string,
): R {
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
