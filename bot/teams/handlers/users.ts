import { usersCard, type CardAttachment } from '../../../cards';
import { replies } from '../../../cards/replies';
import { ok, type Result } from '../../core/result';
import { idIn, listIn, type CardData } from '../cardData';
import { isGroup } from '../conversationKind';
import { cardResponse, messageResponse, sendCard, type PersonTurn } from '../turn';
import { activeSession } from './managing';
import { say, sayRefusal } from './say';

/** `users`: Partner Center's Users page. Managers see everyone; other users their roles and the Managers. */
export async function listUsers(turn: PersonTurn): Promise<void> {
  if (isGroup(turn.activity)) return say(turn, replies.personalOnly('users'));
  const card = await usersCardFor(turn);
  if (!card.ok) return sayRefusal(turn, card.refusal);
  await sendCard(turn.context, card.value);
}

/** `users.setRoles` on the users card: the roles picked replace the user's roles (R6, R13). */
export async function setUserRoles(turn: PersonTurn, data: CardData): Promise<object> {
  const target = targetIn(data);
  if (!target) return messageResponse(replies.unknownCardAction);
  const manager = await managerFor(turn, target.tenantId);
  const changed = await turn.app.users.setRoles(manager, target, listIn(data, `roles-${target.objectId}`));
  return refreshed(
    turn,
    changed.ok ? replies.rolesSaved(changed.value) : replies.refusal(changed.refusal, turn.app.account),
  );
}

/** `users.remove` on the users card: out of the account, still in their directory (R6, R13). */
export async function removeUser(turn: PersonTurn, data: CardData): Promise<object> {
  const target = targetIn(data);
  if (!target) return messageResponse(replies.unknownCardAction);
  const manager = await managerFor(turn, target.tenantId);
  const removed = await turn.app.users.remove(manager, target);
  return refreshed(
    turn,
    removed.ok ? replies.userRemoved(removed.value) : replies.refusal(removed.refusal, turn.app.account),
  );
}

/** The users card as this person may see and change it now, with a line on top. */
export async function usersCardFor(turn: PersonTurn, notice?: string): Promise<Result<CardAttachment>> {
  const { app, person } = turn;
  const view = await app.users.users(person);
  if (!view.ok) return view;
  const { isManager, tenants, users } = view.value;
  const manageableTenants: string[] = [];
  if (isManager) {
    // R6: their own tenant through their Teams identity; another through the sign-in of `add users`.
    const own = await app.users.mayManage(person, person.tenantId);
    if (own.ok) manageableTenants.push(own.value.tenantId);
    const active = await activeSession(turn);
    if (active) manageableTenants.push(active.tenant.tenantId);
  }
  return ok(
    usersCard(app.account, tenants, users, { isManager, manageableTenants, ...(notice ? { notice } : {}) }),
  );
}

async function refreshed(turn: PersonTurn, notice: string): Promise<object> {
  const card = await usersCardFor(turn, notice);
  return card.ok
    ? cardResponse(card.value)
    : messageResponse(replies.refusal(card.refusal, turn.app.account));
}

/** Who acts on that tenant's users: who signed in to it, or else the person's Teams identity. */
async function managerFor(turn: PersonTurn, tenantId: string) {
  return (await activeSession(turn, tenantId))?.session.manager ?? turn.person;
}

function targetIn(data: CardData): { tenantId: string; objectId: string } | undefined {
  const tenantId = idIn(data, 'tenantId');
  const objectId = idIn(data, 'objectId');
  return tenantId && objectId ? { tenantId, objectId } : undefined;
}
