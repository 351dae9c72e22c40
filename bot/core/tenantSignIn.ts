import { DependencyUnavailableError } from './errors';
import type { AssociationRequest, Person } from './model';
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
  startedAt: string;
}

export interface SignInAttempt {
  person: Person;
  where: Where;
  /** Whatever the person or Teams sent: a 6-digit code typed, or the state of signin/verifyState. */
  code: string;
  pending: PendingSignIn | undefined;
  /** Names this delivery (conversation, user, code): Teams may deliver it more than once, to any process. */
  deliveryKey: string;
}

export type SignInCompleted =
  /** The tenant's request is open: a review in a personal chat, an approval elsewhere. */
  | { kind: 'opened'; request: AssociationRequest }
  /** Another delivery of the same code is being (or was) acted on: nothing more to say. */
  | { kind: 'duplicate' };

export interface TenantSignInDeps {
  association: TenantAssociation;
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
   * Redeems the code of a sign-in for managing a tenant's users and tells who signed in, to which tenant:
   * R6 is checked on that identity, not on the person's Teams identity.
   */
  async identify(
    attempt: SignInAttempt,
    redeemer: CodeRedeemer,
  ): Promise<Result<{ kind: 'signedIn'; token: string; lookup: TenantLookup } | { kind: 'duplicate' }>> {
    return this.once(attempt, redeemer, async (token) =>
      ok({ kind: 'signedIn' as const, token, lookup: await this.deps.directory.describe(token) }),
    );
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

  private isStale(pending: PendingSignIn): boolean {
    return this.deps.clock.now().getTime() - Date.parse(pending.startedAt) > this.deps.signInLifetimeMs;
  }
}
