import { chooseTenantCard } from '../../../cards';
import { replies } from '../../../cards/replies';
import { idIn, type CardData } from '../cardData';
import { whereOf } from '../conversationKind';
import { messageResponse, sendCard, type PersonTurn } from '../turn';
import { sayRefusal } from './say';
import { showRequest } from './signIn';

/**
 * `remove tenant`: Partner Center's Remove on the Tenants page. The tenant is chosen, then reviewed with what
 * removing it takes away, and confirmed; in a group chat a Manager approves it (R12).
 */
export async function startRemoval(turn: PersonTurn): Promise<void> {
  const { app, person } = turn;
  const listed = await app.association.mayRemove(person);
  if (!listed.ok) return sayRefusal(turn, listed.refusal);
  const tenants = listed.value;
  // With one tenant there is nothing to choose: the review says why it cannot go.
  if (tenants.length === 1) {
    const opened = await app.association.openRemoval(person, whereOf(turn.activity), tenants[0].tenantId);
    if (!opened.ok) return sayRefusal(turn, opened.refusal);
    return showRequest(turn, opened.value);
  }
  await sendCard(turn.context, chooseTenantCard('remove', app.account, tenants));
}

/** `tenant.remove`: the tenant chosen; its review card follows in the chat. */
export async function chooseTenantToRemove(turn: PersonTurn, data: CardData): Promise<object> {
  const { app, person } = turn;
  const tenantId = idIn(data, 'tenantId');
  if (!tenantId) return messageResponse(replies.chooseTenant);
  const opened = await app.association.openRemoval(person, whereOf(turn.activity), tenantId);
  if (!opened.ok) return messageResponse(replies.refusal(opened.refusal, app.account));
  await showRequest(turn, opened.value);
  return messageResponse(replies.removalReview(opened.value.tenant));
}
