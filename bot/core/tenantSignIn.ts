import { DependencyUnavailableError } from './errors';
import type { AccountUsers } from './accountUsers';
import type { Association, AssociationRequest, Person } from './model';
import type { Clock, OnceGate, TenantDirectory, TenantLookup } from './ports';
import { ok, refuse, type Result } from './result';
import type { TenantAssociation, Where } from './tenantAssociation';

/** Turns the code the token service issued into the user's token for the tenant they signed in to. */
export interface CodeRedeemer {
  /** The token, or undefined when the token service does not accept the code. */
  redeem(code: string): Promise<string | undefined>;
}

/** A sign-in card this person was shown, and when. */
export interface PendingSignIn {
  /** Tells this sign-in from the person's others in the chat, whatever the clock says (absent: one started before). */
  id?: string;
  startedAt: string;
}

export interface SignInAttempt {
  person: Person;
  where: Where;
  /** Whatever the person or Teams sent: a 6-digit code typed, or the state of signin/verifyState. */
  code: string;
  pending: PendingSignIn | undefined;
  /**
   * Names this delivery (conversation, user, sign-in), never by its code, which a stored key must not carry:
   * Teams may deliver it more than once, to any process.
   */
  deliveryKey: string;
}

export type SignInCompleted =
  /** The tenant's request is open: a review in a personal chat, an approval elsewhere. */
  | { kind: 'opened'; request: AssociationRequest }
  /** Another delivery of the same code is being (or was) acted on: nothing more to say. */
  | { kind: 'duplicate' };

export interface SignedInToManage {
  kind: 'managing';
  /** Who signed in: a user of `tenant`, with the Manager role. */
  manager: Person;
  tenant: Association;
}

export interface TenantSignInDeps {
  association: TenantAssociation;
  users: AccountUsers;
  directory: TenantDirectory;
  gate: OnceGate;
  clock: Clock;
  /** How long after the sign-in card a code is still accepted. */
  signInLifetimeMs: number;
}

/**
 * Completing the sign-in to the tenant to associate (R2): the code is redeemed once, the tenant's directory
 * is read with the user's own token, and the request for that tenant is opened (R3). The token is used for
 * this turn only and never stored.
 */
export class TenantSignIn {
  constructor(private readonly deps: TenantSignInDeps) {}

  async complete(attempt: SignInAttempt, redeemer: CodeRedeemer): Promise<Result<SignInCompleted>> {
    return this.once(attempt, redeemer, async (token) => {
      const lookup = await this.deps.directory.describe(token);
      const opened = await this.deps.association.openRequest(attempt.person, attempt.where, lookup);
      return opened.ok ? ok({ kind: 'opened', request: opened.value }) : opened;
    });
  }

  /**
   * A sign-in to manage the users of `tenantId` (R6): whoever signed in must be a Manager of the account and a
   * user of that tenant. It is checked on the identity signed in with, not the Teams one, which may belong
   * to another tenant.
   */
  async manage(
    attempt: SignInAttempt,
    redeemer: CodeRedeemer,
    tenantId: string,
  ): Promise<Result<SignedInToManage | { kind: 'duplicate' }>> {
    return this.once(attempt, redeemer, async (token) => {
      const manager = personOf(await this.deps.directory.describe(token));
      const allowed = await this.deps.users.mayManage(manager, tenantId);
      return allowed.ok ? ok({ kind: 'managing' as const, manager, tenant: allowed.value }) : allowed;
    });
  }

  /** The code redeemed once, however often Teams delivers it; a dependency's failure gives the delivery back. */
  private async once<T>(
    attempt: SignInAttempt,
    redeemer: CodeRedeemer,
    use: (token: string) => Promise<Result<T>>,
  ): Promise<Result<T | { kind: 'duplicate' }>> {
    const { pending } = attempt;
    if (!pending) return refuse({ kind: 'noSignInInProgress' });
    if (this.isStale(pending)) return refuse({ kind: 'signInExpired' });

    const { gate, signInLifetimeMs } = this.deps;
    if (!(await gate.claim(attempt.deliveryKey, signInLifetimeMs))) return ok({ kind: 'duplicate' });
    try {
      const token = await redeemer.redeem(attempt.code);
      if (!token) {
        // Nothing was redeemed, so nothing needs guarding: the same code typed again is answered again.
        await gate.release(attempt.deliveryKey);
        return refuse({ kind: 'codeRejected' });
      }
      return await use(token);
    } catch (error) {
      // A service did not answer: the person is told to try again, and the same code must be heard then.
      // If the storage itself is what failed, the claim simply lapses with its TTL.
      if (error instanceof DependencyUnavailableError) {
        await gate.release(attempt.deliveryKey).catch(() => undefined);
      }
      throw error;
    }
  }

  /** Whether what a sign-in started at `startedAt` allows still holds: a sign-in lasts its lifetime. */
  isCurrent(startedAt: string): boolean {
    return this.deps.clock.now().getTime() - Date.parse(startedAt) <= this.deps.signInLifetimeMs;
  }

  private isStale(pending: PendingSignIn): boolean {
    return !this.isCurrent(pending.startedAt);
  }
}

/** A personal account has no tenant of the account behind it: it manages nothing (R9). */
function personOf(lookup: TenantLookup): Person {
  if (lookup.kind === 'personalAccount') {
    return { tenantId: '', objectId: '', displayName: lookup.userPrincipalName };
  }
  const { tenantId, user } = lookup.signIn;
  return { tenantId, objectId: user.objectId, displayName: user.displayName };
}
