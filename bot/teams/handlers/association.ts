import { requestCard, tenantListCard } from '../../../cards';
import { whereOf } from '../conversationKind';
import { replies } from '../../../cards/replies';
import { replaceCard, sendCard, type PersonTurn } from '../turn';
import { say, sayRefusal } from './say';
import { abandonSignIn, showSignInCard } from './signIn';

/** `associate tenant` and `associate another tenant` (R1, R7). */
export async function startAssociation(turn: PersonTurn): Promise<void> {
  const allowed = await turn.app.association.mayStart(turn.person, whereOf(turn.activity));
  if (!allowed.ok) return sayRefusal(turn, allowed.refusal);
  await showSignInCard(turn);
}

/** `tenants`: what Partner Center's Account settings > Tenants page lists. */
export async function listTenants(turn: PersonTurn): Promise<void> {
  const listed = await turn.app.association.listTenants(turn.person);
  if (!listed.ok) return sayRefusal(turn, listed.refusal);
  await sendCard(turn.context, tenantListCard(turn.app.account, listed.value));
}

/** `cancel`: stops what this person has in progress here, a sign-in and their open request. */
export async function cancel(turn: PersonTurn): Promise<void> {
  const abandoned = await abandonSignIn(turn);
  const { openRequest } = await turn.state.get();
  if (openRequest) {
    await turn.state.update((s) => delete s.openRequest);
    const cancelled = await turn.app.association.cancel(
      turn.person,
      turn.activity.conversation.id,
      openRequest.id,
    );
    if (cancelled.ok) {
      const request = cancelled.value;
      if (openRequest.cardActivityId) {
        await replaceCard(turn.context, openRequest.cardActivityId, requestCard(request, turn.app.account));
      }
      return say(turn, replies.cancelled(request));
    }
  }
  await say(turn, abandoned ? replies.cancelled() : replies.nothingToCancel);
}
