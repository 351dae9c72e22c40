import type { Association } from '../../core/model';
import { sameTenant } from '../../core/rules';
import type { ManagingSession } from '../../state/chatState';
import { TokenService } from '../tokenService';
import type { PersonTurn } from '../turn';

export interface ActiveSession {
  session: ManagingSession;
  tenant: Association;
}

/**
 * This person's session managing a tenant's users here, if it still holds: their sign-in is within its
 * lifetime, and who signed in is still a Manager of the account and a user of that tenant (R6, again at
 * every step: a role taken away meanwhile ends it).
 */
export async function activeSession(turn: PersonTurn, tenantId?: string): Promise<ActiveSession | undefined> {
  const { managing } = await turn.state.get();
  if (!managing || (tenantId && !sameTenant(managing.tenantId, tenantId))) return undefined;
  if (turn.app.signIn.isCurrent(managing.since)) {
    const allowed = await turn.app.users.mayManage(managing.manager, managing.tenantId);
    if (allowed.ok) return { session: managing, tenant: allowed.value };
  }
  await endSession(turn);
  return undefined;
}

/** The signed-in user's token for this turn, kept by the token service, never by the bot. */
export async function sessionToken(turn: PersonTurn): Promise<string | undefined> {
  return new TokenService(turn.context, turn.app.connectionName, { keepSignedIn: true }).currentToken();
}

/** Signs out of the tenant and forgets who signed in. */
export async function endSession(turn: PersonTurn): Promise<void> {
  await new TokenService(turn.context, turn.app.connectionName).signOut();
  await turn.state.update((s) => delete s.managing);
}
