import { chooseTenantCard, userSearchCard } from '../../../cards';
import { replies } from '../../../cards/replies';
import type { Association } from '../../core/model';
import { sameTenant, summaryOf } from '../../core/rules';
import { MAX_SEARCH_LENGTH } from '../../core/ports';
import { idIn, listIn, type CardData } from '../cardData';
import { isGroup } from '../conversationKind';
import { cardResponse, messageResponse, sendCard, type PersonTurn } from '../turn';
import { activeSession, endSession, sessionToken, type ActiveSession } from './managing';
import { say, sayRefusal } from './say';
import { showSignInCard } from './signIn';
import { usersCardFor } from './users';

/**
 * `add users`: Partner Center's "Add users". People are added one tenant at a time, from its directory, by a
 * Manager who signs in to that tenant (R6); creating users or inviting guests stays in Partner Center (R5).
 */
export async function addUsers(turn: PersonTurn): Promise<void> {
  if (isGroup(turn.activity)) return say(turn, replies.personalOnly('add users'));
  const allowed = await turn.app.users.mayChangeUsers(turn.person);
  if (!allowed.ok) return sayRefusal(turn, allowed.refusal);
  const tenants = allowed.value;
  if (tenants.length !== 1) {
    await sendCard(turn.context, chooseTenantCard('addUsers', turn.app.account, tenants));
    return;
  }
  const active = await activeSession(turn, tenants[0].tenantId);
  if (active) await sendCard(turn.context, await searchCard(turn, active));
  else await showSignInCard(turn, tenants[0]);
}

/** `users.tenant`: the tenant chosen; its search at once if already signed in to it, else its sign-in. */
export async function chooseTenantToManage(turn: PersonTurn, data: CardData): Promise<object> {
  if (isGroup(turn.activity)) return messageResponse(replies.personalOnly('add users'));
  const tenantId = idIn(data, 'tenantId');
  const allowed = await turn.app.users.mayChangeUsers(turn.person);
  if (!allowed.ok) return messageResponse(replies.refusal(allowed.refusal, turn.app.account));
  const tenant = allowed.value.find((t) => tenantId && sameTenant(t.tenantId, tenantId));
  if (!tenant)
    return messageResponse(
      replies.refusal({ kind: 'notAssociated', tenantId: tenantId ?? '' }, turn.app.account),
    );
  const active = await activeSession(turn, tenant.tenantId);
  if (active) return cardResponse(await searchCard(turn, active));
  const shown = await showSignInCard(turn, tenant);
  return messageResponse(shown ? replies.manageSignInSent(summaryOf(tenant)) : replies.nothingChanged);
}

/** `users.search`: the directory of the tenant signed in to, by name or e-mail, a page at a time. */
export async function searchDirectory(turn: PersonTurn, data: CardData): Promise<object> {
  const active = await activeSession(turn);
  if (!active) return messageResponse(replies.managingEnded());
  const query = (data.query ?? '').trim().slice(0, MAX_SEARCH_LENGTH);
  if (!query) return cardResponse(await searchCard(turn, active, { notice: replies.typeToSearch }));
  return search(turn, active, query);
}

/** `users.more`: the next page of the last search. */
export async function moreResults(turn: PersonTurn): Promise<object> {
  const active = await activeSession(turn);
  if (!active) return messageResponse(replies.managingEnded());
  const { query, next } = active.session;
  if (!query) return cardResponse(await searchCard(turn, active));
  return search(turn, active, query, next);
}

/**
 * `users.add`: the people picked, with one set of roles. They are read again from the directory with the
 * person's token, so a card's data can name nobody who is not a user of that tenant.
 */
export async function addChosen(turn: PersonTurn, data: CardData): Promise<object> {
  const active = await activeSession(turn);
  if (!active) return messageResponse(replies.managingEnded());
  const ids = listIn(data, 'users');
  const roles = listIn(data, 'roles');
  const query = active.session.query ?? '';
  if (ids.length === 0 || roles.length === 0)
    return search(turn, active, query, undefined, replies.pickPeople);
  const token = await sessionToken(turn);
  if (!token) return ended(turn, active);
  const people = await turn.app.userSearch.byIds(token, ids);
  const added = await turn.app.users.add(active.session.manager, active.tenant.tenantId, people, roles);
  const notice = added.ok
    ? replies.usersAdded(added.value.added, added.value.existing)
    : replies.refusal(added.refusal, turn.app.account);
  return search(turn, active, query, undefined, notice);
}

/** `users.done`: signs out of the tenant and shows the account's users. */
export async function doneManaging(turn: PersonTurn): Promise<object> {
  const active = await activeSession(turn);
  await endSession(turn);
  const card = await usersCardFor(turn, replies.managingDone(active && summaryOf(active.tenant)));
  return card.ok
    ? cardResponse(card.value)
    : messageResponse(replies.refusal(card.refusal, turn.app.account));
}

async function search(
  turn: PersonTurn,
  active: ActiveSession,
  query: string,
  page?: string,
  notice?: string,
): Promise<object> {
  if (!query) return cardResponse(await searchCard(turn, active, notice ? { notice } : {}));
  const allowed = await turn.app.attempts.allow('directorySearch', turn.person);
  if (!allowed.ok) {
    const refusal = replies.refusal(allowed.refusal, turn.app.account);
    return cardResponse(await searchCard(turn, active, { query, notice: refusal }));
  }
  const token = await sessionToken(turn);
  if (!token) return ended(turn, active);
  const found = await turn.app.userSearch.search(token, query, page);
  await turn.state.update((s) => {
    if (!s.managing) return;
    s.managing.query = query;
    if (found.next) s.managing.next = found.next;
    else delete s.managing.next;
  });
  return cardResponse(
    await searchCard(turn, active, {
      query,
      results: found.users,
      hasMore: found.next !== undefined,
      ...(notice ? { notice } : {}),
    }),
  );
}

async function searchCard(
  turn: PersonTurn,
  { session, tenant }: ActiveSession,
  options: Parameters<typeof userSearchCard>[3] = {},
) {
  return userSearchCard(turn.app.account, tenant, session.manager.displayName, {
    ...options,
    accountUsers: await usersOf(turn, tenant),
  });
}

async function usersOf(turn: PersonTurn, tenant: Association) {
  const view = await turn.app.users.users(turn.person);
  return view.ok ? view.value.users.filter((u) => sameTenant(u.tenantId, tenant.tenantId)) : [];
}

/** The token service no longer has the sign-in (it expired, or they signed out elsewhere). */
async function ended(turn: PersonTurn, active: ActiveSession): Promise<object> {
  await endSession(turn);
  return messageResponse(replies.managingEnded(summaryOf(active.tenant)));
}
