import { requestCard, tenantListCard } from '../../cards';
import type { AssociationRequest } from '../../bot/core/model';
import { ACCOUNT, contosoSignIn, manager } from '../support/coreFixtures';

function request(state: AssociationRequest['state'], isGlobalAdmin = false): AssociationRequest {
  const lookup = contosoSignIn({ isGlobalAdmin });
  if (lookup.kind !== 'tenant') throw new Error('unreachable');
  return {
    id: 'opaque-id',
    accountId: ACCOUNT.id,
    conversationId: 'conv',
    requestedBy: manager,
    signIn: lookup.signIn,
    state,
    createdAt: '2026-11-28T10:00:00.000Z',
    expiresAt: '2026-11-28T11:00:00.000Z',
    version: 1,
    ...(state === 'awaitingConfirm' ? {} : { decidedBy: manager, decidedAt: '2026-11-28T10:05:00.000Z' }),
  };
}

const texts = (card: { content: Record<string, unknown> }) => JSON.stringify(card.content);

describe('request card', () => {
  it('R3/R5: review shows organization, domains, tenant id, admin status and powers, with Confirm and Cancel carrying only the request id', () => {
    const card = requestCard(request('awaitingConfirm'), ACCOUNT, { actions: ['confirm', 'cancel'] });
    const content = card.content as {
      version: string;
      actions: { type: string; verb: string; data: unknown }[];
    };
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(content.version).toBe('1.5');
    const text = texts(card);
    for (const expected of [
      'Contoso Ltd',
      'contoso.com',
      'contoso.onmicrosoft.com',
      'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0',
      'megan@contoso.com',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).toContain('"title":"Global administrator","value":"No"');
    expect(text).toContain("That isn't needed to associate it or to add users who already exist in it");
    expect(content.actions.map((a) => [a.type, a.verb, a.data])).toEqual([
      ['Action.Execute', 'confirm', { requestId: 'opaque-id' }],
      ['Action.Execute', 'cancel', { requestId: 'opaque-id' }],
    ]);
  });

  it('R5: a global administrator is told they can also create users and change the directory', () => {
    const text = texts(requestCard(request('awaitingConfirm', true), ACCOUNT));
    expect(text).toContain('"title":"Global administrator","value":"Yes"');
    expect(text).toContain('create new users and make other changes to its directory');
  });

  it('R4: once completed, the card has no buttons and points to the Users section', () => {
    const card = requestCard(request('completed'), ACCOUNT, { actions: ['confirm', 'cancel'] });
    expect((card.content as { actions: unknown[] }).actions).toEqual([]);
    expect(texts(card)).toContain('add and manage account users in the **Users** section');
    expect(texts(card)).toContain('Associated by Nestor Wilke');
  });

  it.each([
    ['cancelled', 'Cancelled by Nestor Wilke'],
    ['expired', 'expired before it was confirmed'],
  ] as const)('a %s request says so and offers no buttons', (state, words) => {
    const card = requestCard(request(state), ACCOUNT);
    expect(texts(card)).toContain(words);
    expect((card.content as { actions: unknown[] }).actions).toEqual([]);
  });

  it('stays far below the 80 KB Teams message limit even for a tenant with many domains', () => {
    const r = request('awaitingConfirm');
    r.signIn.verifiedDomains = Array.from({ length: 500 }, (_, i) => ({
      name: `d${i}.example.com`,
      isDefault: i === 0,
      isInitial: false,
    }));
    expect(Buffer.byteLength(texts(requestCard(r, ACCOUNT)))).toBeLessThan(80 * 1024);
  });
});

describe('tenant list card', () => {
  it('lists each associated tenant, or says there are none yet', () => {
    expect(texts(tenantListCard(ACCOUNT, []))).toContain('No Microsoft Entra ID tenant is associated');
    const text = texts(
      tenantListCard(ACCOUNT, [
        {
          accountId: ACCOUNT.id,
          tenantId: 't-1',
          orgDisplayName: 'Contoso Ltd',
          defaultDomain: 'contoso.com',
          verifiedDomains: ['contoso.com'],
          associatedBy: manager,
          associatedAt: '2026-11-28T10:05:00.000Z',
          requestId: 'r',
        },
      ]),
    );
    expect(text).toContain('Contoso Ltd');
    expect(text).toContain('contoso.com');
    expect(text).toContain('associate another tenant');
  });
});

describe('approval card (group chats)', () => {
  function approval(): AssociationRequest {
    return { ...request('awaitingConfirm'), state: 'awaitingApproval', approval: true };
  }

  it('refreshes automatically for at most 60 people, and offers everyone "Show my options"', () => {
    const ids = Array.from({ length: 100 }, (_, i) => `29:user-${i}`);
    const content = requestCard(approval(), ACCOUNT, { refreshUserIds: ids }).content as {
      refresh: { action: { type: string; verb: string; data: unknown }; userIds: string[] };
      actions: { title: string; verb: string }[];
    };
    expect(content.refresh.userIds).toEqual(ids.slice(0, 60));
    expect(content.refresh.action).toEqual({
      type: 'Action.Execute',
      verb: 'refresh',
      data: { requestId: 'opaque-id' },
    });
    expect(content.actions.map((a) => [a.title, a.verb])).toEqual([['Show my options', 'refresh']]);
  });

  it("a Manager's own view has Approve, Reject and a reason box; a decided card has no refresh and no buttons", () => {
    const mine = requestCard(approval(), ACCOUNT, {
      actions: ['approve', 'reject'],
      refreshUserIds: ['29:me'],
    });
    expect(texts(mine)).toContain('"id":"reason"');
    expect((mine.content as { actions: { title: string }[] }).actions.map((a) => a.title)).toEqual([
      'Approve',
      'Reject',
    ]);
    const decided = requestCard(
      { ...approval(), state: 'completed', decidedBy: manager, decidedAt: '2026-11-28T10:05:00.000Z' },
      ACCOUNT,
    );
    expect(decided.content.refresh).toBeUndefined();
    expect((decided.content as { actions: unknown[] }).actions).toEqual([]);
    expect(texts(decided)).toContain('Approved by Nestor Wilke');
  });
});
