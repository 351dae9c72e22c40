import type { AssociationRequest } from '../../bot/core/model';
import {
  availableActions,
  decide,
  expire,
  isOpen,
  type Actor,
  type Context,
} from '../../bot/core/requestMachine';
import { contosoSignIn, developer, manager, secondManager } from '../support/coreFixtures';

const now = new Date('2026-11-28T10:00:00Z');
const here: Context = { conversationId: 'conv-1', now, policy: 'single' };
const asManager = (person = manager): Actor => ({ person, isMember: true, isManager: true });
const asDeveloper: Actor = { person: developer, isMember: true, isManager: false };

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

const approval = (overrides: Partial<AssociationRequest> = {}) =>
  request({ state: 'awaitingApproval', approval: true, requestedBy: developer, ...overrides });

describe('request state machine', () => {
  it('confirm completes a personal review and bumps its version', () => {
    expect(decide(request(), 'confirm', asManager(), here)).toMatchObject({
      ok: true,
      value: { state: 'completed', version: 4, decidedBy: manager },
    });
  });

  it('cancel ends a personal review without completing it', () => {
    expect(decide(request(), 'cancel', asManager(), here)).toMatchObject({
      ok: true,
      value: { state: 'cancelled' },
    });
  });

  it.each(['completed', 'cancelled', 'rejected', 'expired'] as const)(
    'a %s request cannot be acted on',
    (state) => {
      expect(decide(request({ state }), 'confirm', asManager(), here)).toMatchObject({
        ok: false,
        refusal: { kind: 'requestFinished' },
      });
    },
  );

  it('refuses a request from another conversation before saying anything about it', () => {
    expect(
      decide(request({ state: 'completed' }), 'confirm', asManager(), { ...here, conversationId: 'conv-2' }),
    ).toEqual({
      ok: false,
      refusal: { kind: 'foreignRequest' },
    });
  });

  it('only the requester confirms their own review', () => {
    expect(decide(request(), 'confirm', asManager(secondManager), here)).toMatchObject({
      ok: false,
      refusal: { kind: 'notRequester' },
    });
  });

  it('an open request past its lifetime is expired, and expire() records it', () => {
    const late = { ...here, now: new Date(now.getTime() + 60_000) };
    expect(decide(request(), 'confirm', asManager(), late)).toMatchObject({
      ok: false,
      refusal: { kind: 'requestExpired' },
    });
    expect(expire(request(), late.now)).toMatchObject({ state: 'expired', version: 4 });
    expect(expire(request(), now)).toBeUndefined();
    expect(isOpen(request({ state: 'expired' }))).toBe(false);
  });

  describe('approvals (group chats)', () => {
    it("a Manager approves or rejects someone else's request, with a reason", () => {
      expect(decide(approval(), 'approve', asManager(), here)).toMatchObject({
        ok: true,
        value: { state: 'completed', decidedBy: manager },
      });
      expect(decide(approval(), 'reject', asManager(), { ...here, reason: 'Not ours' })).toMatchObject({
        ok: true,
        value: { state: 'rejected', reason: 'Not ours' },
      });
    });

    it('R1: someone without the Manager role cannot approve or reject', () => {
      for (const action of ['approve', 'reject'] as const) {
        expect(decide(approval({ requestedBy: manager }), action, asDeveloper, here)).toEqual({
          ok: false,
          refusal: { kind: 'roleRequired', role: 'Manager', isMember: true },
        });
      }
    });

    it('the requester withdraws; nobody else can', () => {
      expect(decide(approval(), 'withdraw', asDeveloper, here)).toMatchObject({
        ok: true,
        value: { state: 'cancelled' },
      });
      expect(decide(approval(), 'withdraw', asManager(), here)).toMatchObject({
        ok: false,
        refusal: { kind: 'notRequester' },
      });
    });

    it('a Manager may approve their own request, unless the policy is two-person', () => {
      const own = approval({ requestedBy: manager });
      expect(decide(own, 'approve', asManager(), here)).toMatchObject({ ok: true });
      expect(decide(own, 'approve', asManager(), { ...here, policy: 'two-person' })).toMatchObject({
        ok: false,
        refusal: { kind: 'ownRequest' },
      });
      expect(
        decide(own, 'approve', asManager(secondManager), { ...here, policy: 'two-person' }),
      ).toMatchObject({ ok: true });
    });

    it('personal verbs do not apply to approvals, nor approval verbs to personal reviews', () => {
      expect(decide(approval(), 'confirm', asManager(developer), here)).toMatchObject({
        ok: false,
        refusal: { kind: 'actionNotAvailable' },
      });
      expect(decide(request(), 'approve', asManager(), here)).toMatchObject({
        ok: false,
        refusal: { kind: 'actionNotAvailable' },
      });
    });

    it('each viewer sees their own buttons', () => {
      const req = approval();
      expect(availableActions(req, asManager(), here)).toEqual(['approve', 'reject']);
      expect(availableActions(req, asDeveloper, here)).toEqual(['withdraw']);
      const other: Actor = { person: secondManager, isMember: false, isManager: false };
      expect(availableActions(req, other, here)).toEqual([]);
      const own = approval({ requestedBy: manager });
      expect(availableActions(own, asManager(), here)).toEqual(['approve', 'reject', 'withdraw']);
      expect(availableActions(own, asManager(), { ...here, policy: 'two-person' })).toEqual(['withdraw']);
      expect(availableActions(approval({ state: 'completed' }), asManager(), here)).toEqual([]);
    });
  });
});
