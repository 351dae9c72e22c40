import { notificationCard } from '../../cards/notificationCard';
import type { NotificationEvent } from '../../bot/core/model';
import { CONTOSO, developer, manager } from '../support/coreFixtures';

const completed: NotificationEvent = {
  id: 'req-1:2',
  accountId: 'acct-1',
  kind: 'completed',
  at: '2026-11-28T10:05:00.000Z',
  requestId: 'req-1',
  tenantId: CONTOSO,
  orgDisplayName: 'Contoso Ltd',
  defaultDomain: 'contoso.com',
  requestedBy: developer,
  decidedBy: manager,
  conversationId: '19:chat@thread.v2',
};

const facts = (card: { content: Record<string, unknown> }) =>
  Object.fromEntries(
    (
      (card.content.body as { type: string; facts?: { title: string; value: string }[] }[]).find(
        (b) => b.type === 'FactSet',
      )?.facts ?? []
    ).map((f) => [f.title, f.value]),
  );

describe('notification card', () => {
  test('a completed association names the organization, its domain, who asked and who approved, and links to the Tenants tab', () => {
    const card = notificationCard(completed, { teamsAppId: 'f3b1-app' });
    const text = JSON.stringify(card.content);
    expect(card.content.version).toBe('1.5');
    expect(text).toContain('Contoso Ltd (contoso.com) is now associated');
    expect(facts(card)).toEqual({
      Organization: 'Contoso Ltd',
      Domain: 'contoso.com',
      'Tenant ID': CONTOSO,
      'Requested by': 'Diego Siciliani',
      'Approved by': 'Nestor Wilke',
      When: '{{DATE(2026-11-28T10:05:00Z, SHORT)}} {{TIME(2026-11-28T10:05:00Z)}}',
    });
    expect(card.content.actions).toEqual([
      {
        type: 'Action.OpenUrl',
        title: 'Open the Tenants tab',
        url: 'https://teams.microsoft.com/l/entity/f3b1-app/tenants',
      },
    ]);
  });

  test('a rejection says so, with the reason and who rejected it', () => {
    const card = notificationCard({ ...completed, kind: 'rejected', reason: 'Not our subsidiary' });
    expect(JSON.stringify(card.content)).toContain('was rejected. Nothing was associated.');
    expect(facts(card)).toMatchObject({ 'Rejected by': 'Nestor Wilke', Reason: 'Not our subsidiary' });
  });

  test('without the Teams app id there is no link; an expiry has no decider', () => {
    const card = notificationCard({ ...completed, kind: 'expired', decidedBy: undefined });
    expect(card.content.actions ?? []).toEqual([]);
    expect(JSON.stringify(card.content)).toContain('expired before it was decided');
    expect(Object.keys(facts(card))).not.toContain('Approved by');
  });
});
