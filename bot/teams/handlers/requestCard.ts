import { requestCard, type CardAttachment } from '../../../cards';
import type { TenantRequest } from '../../core/model';
import { isOpen, type RequestAction } from '../../core/requestMachine';
import type { RemovalConsequences, RequestView } from '../../core/tenantAssociation';
import { replies } from '../../../cards/replies';
import { cardResponse, messageResponse, replaceCard, type PersonTurn } from '../turn';

/** What an `Action.Execute` on a request card carries: an opaque request id, and a reject reason. */
export interface RequestCardInput {
  requestId: string;
  reason?: string;
}

/**
 * Confirm, Cancel, Approve, Reject or Withdraw. The card carries only the request id; who clicked comes from
 * the activity, and every check runs in the core. The invoke response is the clicker's own view; the card in
 * the chat is replaced too, so people who never refresh see the outcome.
 */
export async function actOnRequest(
  turn: PersonTurn,
  action: RequestAction,
  input: RequestCardInput,
): Promise<object> {
  const { app } = turn;
  const outcome = await app.association.actAndView(
    action,
    turn.person,
    turn.activity.conversation.id,
    input.requestId,
    input.reason,
  );
  if (outcome.ok) {
    await showEveryone(turn, outcome.value.request);
    return cardResponse(await ownCard(turn, outcome.value));
  }
  const { refusal } = outcome;
  const text = replies.refusal(refusal, app.account);
  switch (refusal.kind) {
    // The request exists here: refresh the card to where it stands, with the reason on top for the clicker.
    case 'requestFinished':
    case 'requestExpired':
      await showEveryone(turn, refusal.request);
      return viewFor(turn, input.requestId, text);
    case 'alreadyAssociated': {
      const current = await app.association.find(input.requestId);
      if (!current) return messageResponse(text);
      await showEveryone(turn, current);
      return viewFor(turn, input.requestId, text);
    }
    // Refused and nothing changed: only the clicker hears why.
    default:
      return messageResponse(text);
  }
}

/** `refresh`: Teams (or "Show my options") asks for this person's own view of the card. */
export async function refreshView(turn: PersonTurn, input: RequestCardInput): Promise<object> {
  return viewFor(turn, input.requestId);
}

/** The clicker's own view: their buttons while the request is open, the outcome once it is decided. */
async function viewFor(turn: PersonTurn, requestId: string, notice?: string): Promise<object> {
  const { app, activity } = turn;
  const view = await app.association.view(turn.person, activity.conversation.id, requestId);
  if (!view.ok) return messageResponse(replies.refusal(view.refusal, app.account));
  return cardResponse(await ownCard(turn, view.value, notice));
}

/** The card as this person sees it: their buttons while the request is open, the outcome once decided. */
async function ownCard(
  turn: PersonTurn,
  { request, actions }: RequestView,
  notice?: string,
): Promise<CardAttachment> {
  return requestCard(request, turn.app.account, {
    actions,
    policy: turn.app.association.policy,
    ...(notice ? { notice } : {}),
    ...(await consequencesFor(turn, request)),
    // Keeps this person's view refreshing while the request is open.
    ...(request.approval && isOpen(request) ? { refreshUserIds: [turn.activity.from.id] } : {}),
  });
}

/** Once decided, the card in the chat shows everyone the same outcome; nobody remembers it as open. */
async function showEveryone(turn: PersonTurn, request: TenantRequest): Promise<void> {
  if (isOpen(request)) return;
  const cardId = turn.activity.replyToId;
  if (cardId) await replaceCard(turn.context, cardId, requestCard(request, turn.app.account));
  await turn.state.update((s) => {
    if (s.openRequest?.id === request.id) delete s.openRequest;
  });
}

/** While a removal is open, its card lists what it takes away, as it stands now (R12). */
export async function consequencesFor(
  turn: PersonTurn,
  request: TenantRequest,
): Promise<{ consequences?: RemovalConsequences }> {
  if (request.kind !== 'remove' || !isOpen(request)) return {};
  return { consequences: await turn.app.association.consequencesOf(request) };
}
