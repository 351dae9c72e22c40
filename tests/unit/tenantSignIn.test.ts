import { DependencyUnavailableError } from '../../bot/core/errors';
import type { TenantLookup } from '../../bot/core/ports';
import { TenantSignIn, type CodeRedeemer, type SignInAttempt } from '../../bot/core/tenantSignIn';
import { MemoryOnceGate } from '../../bot/infra/memory/memoryOnceGate';
import { contosoSignIn, coreWorld, manager, PERSONAL } from '../support/coreFixtures';

const SIGN_IN_LIFETIME_MS = 15 * 60_000;

/** A token service that accepts `code` once, or fails as a service that does not answer. */
class TokenServiceDouble implements CodeRedeemer {
  unavailable = 0;
  private used = false;
  constructor(private readonly code: string) {}
  async redeem(code: string): Promise<string | undefined> {
    if (this.unavailable > 0) {
      this.unavailable -= 1;
      throw new DependencyUnavailableError('signIn');
    }
    if (code !== this.code || this.used) return undefined;
    this.used = true;
    return 'user-token';
  }
}

async function signIns() {
  const world = await coreWorld();
  let directoryDown = 0;
  const describe = async (): Promise<TenantLookup> => {
    if (directoryDown-- > 0) throw new DependencyUnavailableError('directory');
    return contosoSignIn();
  };
  const signIn = new TenantSignIn({
    association: world.service,
    users: world.users,
    directory: { describe },
    gate: new MemoryOnceGate(world.clock),
    clock: world.clock,
    signInLifetimeMs: SIGN_IN_LIFETIME_MS,
  });
  const attempt = (code = '123456'): SignInAttempt => ({
    person: manager,
    where: PERSONAL,
    code,
    pending: { startedAt: world.clock.now().toISOString() },
    deliveryKey: `signin:conv:nestor:${code}`,
  });
  return { ...world, signIn, attempt, failDirectory: (times: number) => (directoryDown = times) };
}

describe('completing the sign-in to the tenant to associate (R2, R3)', () => {
  it('a code with no sign-in in progress, or after the sign-in lifetime, is refused', async () => {
    const { signIn, attempt, clock } = await signIns();
    const tokens = new TokenServiceDouble('123456');
    expect(await signIn.complete({ ...attempt(), pending: undefined }, tokens)).toEqual({
      ok: false,
      refusal: { kind: 'noSignInInProgress' },
    });
    const started = attempt();
    clock.advance(SIGN_IN_LIFETIME_MS + 1);
    expect(await signIn.complete(started, tokens)).toEqual({ ok: false, refusal: { kind: 'signInExpired' } });
  });

  it('opens the review of the tenant the token is for; the same delivery a second time does nothing', async () => {
    const { signIn, attempt } = await signIns();
    const tokens = new TokenServiceDouble('123456');
    const [first, second] = await Promise.all([
      signIn.complete(attempt(), tokens),
      signIn.complete(attempt(), tokens),
    ]);
    expect(first).toMatchObject({
      ok: true,
      value: { kind: 'opened', request: { state: 'awaitingConfirm' } },
    });
    expect(second).toEqual({ ok: true, value: { kind: 'duplicate' } });
  });

  it('a redeem that fails because the token service does not answer gives the code back: typed again, it works', async () => {
    const { signIn, attempt } = await signIns();
    const tokens = new TokenServiceDouble('123456');
    tokens.unavailable = 1;
    await expect(signIn.complete(attempt(), tokens)).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(await signIn.complete(attempt(), tokens)).toMatchObject({ ok: true, value: { kind: 'opened' } });
  });

  it('a directory that does not answer gives the delivery back too: the person is heard when they try again', async () => {
    const { signIn, attempt, failDirectory } = await signIns();
    const tokens = new TokenServiceDouble('123456');
    failDirectory(1);
    await expect(signIn.complete(attempt(), tokens)).rejects.toMatchObject({ dependency: 'directory' });
    // The token service spent the code: the person hears it is no good, instead of nothing.
    expect(await signIn.complete(attempt(), tokens)).toEqual({
      ok: false,
      refusal: { kind: 'codeRejected' },
    });
  });

  it('a code the token service rejects can be typed again and is answered again', async () => {
    const { signIn, attempt } = await signIns();
    const tokens = new TokenServiceDouble('123456');
    for (let i = 0; i < 2; i++) {
      expect(await signIn.complete(attempt('654321'), tokens)).toEqual({
        ok: false,
        refusal: { kind: 'codeRejected' },
      });
    }
  });
});
