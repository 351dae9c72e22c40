import { randomUUID } from 'node:crypto';
import { CardFactory } from 'botbuilder';
import { requestCard, userSearchCard } from '../../../cards';
import type { Association, TenantRequest } from '../../core/model';
import { sameTenant, summaryOf } from '../../core/rules';
import type { SignInAttempt } from '../../core/tenantSignIn';
import { isGroup, whereOf } from '../conversationKind';
import { refreshAudience } from '../refreshAudience';
import { replies } from '../../../cards/replies';
import { TokenService } from '../tokenService';
import { sendCard, type InvokeResponse, type PersonTurn } from '../turn';
import { consequencesFor } from './requestCard';
import { say, sayRefusal } from './say';

/**
 * The OAuth card for the tenant to associate, or whose users to manage; false if the person has started too
 * many sign-ins lately (and was told so). Teams SSO cannot be used: it always signs in to the user's own
 * Teams tenant, and the tenant to associate may be another (R2).
 */
export async function showSignInCard(turn: PersonTurn, toManage?: Association): Promise<boolean> {
  const { app, activity } = turn;
  const allowed = await app.attempts.allow('signIn', turn.person);
  if (!allowed.ok) {
    await sayRefusal(turn, allowed.refusal);
    return false;
  }
  // A fresh link signs out of any earlier sign-in: a session managing users ends with it.
  const link = await new TokenService(turn.context, app.connectionName).freshSignInLink();
  await turn.state.update((s) => {
    s.signIn = {
      id: randomUUID(),
      startedAt: app.clock.now().toISOString(),
      ...(toManage ? { manage: toManage.tenantId } : {}),
    };
    delete s.managing;
  });
  const requester = isGroup(activity) ? activity.from.name : undefined;
  const prompt = toManage
    ? replies.manageSignInPrompt(summaryOf(toManage))
    : replies.signInPrompt(app.account, requester);
  await turn.context.sendActivity({
    attachments: [CardFactory.oauthCard(app.connectionName, replies.signInTitle, prompt, link)],
  });
  return true;
}

/** The 6-digit code the sign-in page showed, typed by the person. */
export async function typedCode(turn: PersonTurn, command: { code: string }): Promise<void> {
  await completeSignIn(turn, command.code);
}

/** Teams completed the sign-in by itself: the state is the same code. */
export async function verifyState(turn: PersonTurn): Promise<InvokeResponse> {
  const state = (turn.activity.value as { state?: unknown } | undefined)?.state;
  if (typeof state === 'string' && state.length > 0 && state.length <= 100) await completeSignIn(turn, state);
  return { status: 200 };
}

/**
 * No token-exchange URL is configured (SSO would sign in to the Teams tenant, not the one to associate), so
 * Teams must fall back to the sign-in button: 412 says so.
 */
export async function tokenExchange(): Promise<InvokeResponse> {
  return { status: 412, body: { failureDetail: 'sso disabled' } };
}

/** Teams could not complete the sign-in (the pop-up failed or was closed on an error). */
export async function signInFailure(turn: PersonTurn): Promise<InvokeResponse> {
  const value = turn.activity.value as { message?: unknown } | undefined;
  const detail = typeof value?.message === 'string' ? value.message : undefined;
  await say(turn, replies.signInFailed(detail));
  return { status: 200 };
}

/** `sign out`. */
export async function signOut(turn: PersonTurn): Promise<void> {
  await new TokenService(turn.context, turn.app.connectionName).signOut();
  await turn.state.update((s) => {
    delete s.signIn;
    delete s.managing;
  });
  await say(turn, replies.signedOut);
}

/** Forgets a sign-in in progress; true if there was one. */
export async function abandonSignIn(turn: PersonTurn): Promise<boolean> {
  if (!(await turn.state.get()).signIn) return false;
  await turn.state.update((s) => delete s.signIn);
  return true;
}

async function completeSignIn(turn: PersonTurn, code: string): Promise<void> {
  const { app, activity } = turn;
  const pending = (await turn.state.get()).signIn;
  const attempt: SignInAttempt = {
    person: turn.person,
    where: whereOf(activity),
    code,
    pending,
    // Per sign-in (the token service may hand out a code again later), and not per code: the key is stored,
    // and a code is a credential. One code of a sign-in is redeemed at a time; a rejected one is let go.
    deliveryKey: `signin:${activity.conversation.id}:${activity.from.id}:${pending?.id ?? pending?.startedAt ?? ''}`,
  };
  if (pending?.manage) return startManaging(turn, attempt, pending.manage);
  const result = await app.signIn.complete(attempt, new TokenService(turn.context, app.connectionName));
  if (!result.ok) {
    // A rejected code may be typed again; any other answer ends this sign-in.
    if (result.refusal.kind !== 'codeRejected') await turn.state.update((s) => delete s.signIn);
    return sayRefusal(turn, result.refusal);
  }
  if (result.value.kind === 'duplicate') return;
  await turn.state.update((s) => delete s.signIn);
  await showRequest(turn, result.value.request);
}

/**
 * The sign-in to manage a tenant's users (R6, checked on who signed in): the token service keeps it for the
 * searches to come, and the search card opens.
 */
async function startManaging(turn: PersonTurn, attempt: SignInAttempt, tenantId: string): Promise<void> {
  const { app } = turn;
  const tokens = new TokenService(turn.context, app.connectionName, { keepSignedIn: true });
  const result = await app.signIn.manage(attempt, tokens, tenantId);
  if (!result.ok) {
    if (result.refusal.kind !== 'codeRejected') {
      await turn.state.update((s) => delete s.signIn);
      // Refused after the code was redeemed: the token service must not keep that sign-in.
      await tokens.signOut();
    }
    return sayRefusal(turn, result.refusal);
  }
  if (result.value.kind === 'duplicate') return;
  const { manager, tenant } = result.value;
  await turn.state.update((s) => {
    delete s.signIn;
    s.managing = { tenantId: tenant.tenantId, manager, since: app.clock.now().toISOString() };
  });
  const users = await app.users.users(turn.person);
  await sendCard(
    turn.context,
    userSearchCard(app.account, tenant, manager.displayName, {
      accountUsers: users.ok ? users.value.users.filter((u) => sameTenant(u.tenantId, tenant.tenantId)) : [],
    }),
  );
}

/**
 * The review card (R3) in a personal chat; in a group chat, the request for a Manager's approval. A removal
 * lists what it takes away.
 */
export async function showRequest(turn: PersonTurn, request: TenantRequest): Promise<void> {
  const { app } = turn;
  const consequences = await consequencesFor(turn, request);
  const card = request.approval
    ? requestCard(request, app.account, {
        policy: app.association.policy,
        refreshUserIds: await refreshAudience(turn.context, turn.person, await app.association.managers()),
        ...consequences,
      })
    : requestCard(request, app.account, { actions: ['confirm', 'cancel'], ...consequences });
  const cardActivityId = await sendCard(turn.context, card);
  await turn.state.update((s) => {
    s.openRequest = { id: request.id, ...(cardActivityId ? { cardActivityId } : {}) };
  });
}
