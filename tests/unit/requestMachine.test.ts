import type { AssociationRequest } from '../../bot/core/model';
import { decide, expire, isOpen } from '../../bot/core/requestMachine';
import { contosoSignIn, manager, secondManager } from '../support/coreFixtures';

const now = new Date('2026-11-28T10:00:00Z');

function request(overrides: Partial<AssociationRequest> = {}): AssociationRequest {
  const lookup = contosoSignIn();
  if (lookup.kind !== 'tenant') throw new Error('unreachable');
  return {
    id: 'r1',
    accountId: 'acct-1',
    conversationId: 'conv-1',
    requestedBy: manager,
    signIn: lookup.signIn,
    state: 'awaitingConfirm',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 60_000).toISOString(),
    version: 3,
    ...overrides,
  };
}

describe('request state machine', () => {
  it('confirm completes an open request and bumps its version', () => {
    const decision = decide(request(), 'confirm', manager, 'conv-1', now);
    expect(decision).toMatchObject({
      ok: true,
      next: { state: 'completed', version: 4, decidedBy: manager },
    });
  });

  it('cancel ends an open request without completing it', () => {
    const decision = decide(request(), 'cancel', manager, 'conv-1', now);
    expect(decision).toMatchObject({ ok: true, next: { state: 'cancelled', version: 4 } });
  });

  it.each(['completed', 'cancelled', 'rejected', 'expired'] as const)(
    'a %s request cannot be acted on',
    (state) => {
      const decision = decide(request({ state }), 'confirm', manager, 'conv-1', now);
      expect(decision).toMatchObject({ ok: false, refusal: { kind: 'requestFinished' } });
    },
  );

  it('refuses a request from another conversation before saying anything about it', () => {
    const decision = decide(request({ state: 'completed' }), 'confirm', manager, 'conv-2', now);
    expect(decision).toEqual({ ok: false, refusal: { kind: 'foreignRequest' } });
  });

  it('refuses anyone but the requester', () => {
    const decision = decide(request(), 'confirm', secondManager, 'conv-1', now);
    expect(decision).toMatchObject({ ok: false, refusal: { kind: 'notRequester' } });
  });

  it('an open request past its lifetime is expired, and expire() records it', () => {
    const late = new Date(now.getTime() + 60_000);
    expect(decide(request(), 'confirm', manager, 'conv-1', late)).toMatchObject({
      ok: false,
      refusal: { kind: 'requestExpired' },
    });
    expect(expire(request(), late)).toMatchObject({ state: 'expired', version: 4 });
    expect(expire(request(), now)).toBeUndefined();
    expect(isOpen(request({ state: 'expired' }))).toBe(false);
  });
});
