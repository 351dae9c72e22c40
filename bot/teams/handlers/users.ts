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

/** `users.page`: the next users of the list. */
export async function pageOfUsers(turn: PersonTurn, data: CardData): Promise<object> {
  const from = Number.parseInt(data.from ?? '', 10);
  return refreshed(turn, undefined, Number.isSafeInteger(from) && from > 0 ? from : 0);
}

/** `users.setRoles` on the users card: the roles picked replace the chosen user's roles (R6, R13). */
export async function setUserRoles(turn: PersonTurn, data: CardData): Promise<object> {
  const target = targetIn(data);
  if (!target) return refreshed(turn, replies.chooseUser);
  const manager = await managerFor(turn, target.tenantId);
  const changed = await turn.app.users.setRoles(manager, target, listIn(data, 'roles'));
  return refreshed(
    turn,
    changed.ok ? replies.rolesSaved(changed.value) : replies.refusal(changed.refusal, turn.app.account),
  );
}

/** `users.remove` on the users card: out of the account, still in their directory (R6, R13). */
export async function removeUser(turn: PersonTurn, data: CardData): Promise<object> {
  const target = targetIn(data);
  if (!target) return refreshed(turn, replies.chooseUser);
  const manager = await managerFor(turn, target.tenantId);
  const removed = await turn.app.users.remove(manager, target);
  return refreshed(
    turn,
    removed.ok ? replies.userRemoved(removed.value) : replies.refusal(removed.refusal, turn.app.account),
  );
}

/** The users card as this person may see and change it now, with a line on top. */
export async function usersCardFor(
  turn: PersonTurn,
  notice?: string,
  from = 0,
): Promise<Result<CardAttachment>> {
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
    usersCard(app.account, tenants, users, {
      isManager,
      manageableTenants,
      from,
      ...(notice ? { notice } : {}),
    }),
  );
}

async function refreshed(turn: PersonTurn, notice?: string, from = 0): Promise<object> {
  const card = await usersCardFor(turn, notice, from);
  return card.ok
    ? cardResponse(card.value)
    : messageResponse(replies.refusal(card.refusal, turn.app.account));
}

/** Who acts on that tenant's users: who signed in to it, or else the person's Teams identity. */
async function managerFor(turn: PersonTurn, tenantId: string) {
  return (await activeSession(turn, tenantId))?.session.manager ?? turn.person;
}

/** The "Change a user" choice: `tenantId/objectId` (cards/accountCards.ts `userChoiceValue`). */
function targetIn(data: CardData): { tenantId: string; objectId: string } | undefined {
  const [tenant, object, ...rest] = (data.user ?? '').split('/');
  const tenantId = idIn({ id: tenant ?? '' }, 'id');
  const objectId = idIn({ id: object ?? '' }, 'id');
  return tenantId && objectId && rest.length === 0 ? { tenantId, objectId } : undefined;
}
