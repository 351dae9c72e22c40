import type { AuditEvent } from '../../bot/core/model';
import { historyLine } from '../../cards/accountCards';

const base: AuditEvent = {
  at: '2026-11-28T10:00:00.000Z',
  accountId: 'acct-1',
  action: 'association.completed',
  actor: { tenantId: 't', objectId: 'o', displayName: 'Nestor Wilke' },
  tenantId: 'fab',
  orgDisplayName: 'Fabrikam, Inc.',
};

describe('the history, one sentence an event', () => {
  it('ends each sentence once, even after an organization whose name ends the sentence', () => {
    expect(historyLine(base)).toBe('Nestor Wilke associated Fabrikam, Inc.');
    expect(historyLine({ ...base, action: 'request.created' })).toBe(
      'Nestor Wilke asked to associate Fabrikam, Inc.',
    );
    expect(historyLine({ ...base, action: 'tenant.removed' })).toBe(
      'Nestor Wilke removed Fabrikam, Inc.: its users lost their roles.',
    );
  });

  it('names someone, or says someone, and the roles they were given', () => {
    const subject = { tenantId: 'fab', objectId: 'p', displayName: 'Patti Fernandez' };
    expect(
      historyLine({
        ...base,
        actor: { ...base.actor, displayName: '' },
        action: 'member.added',
        subject,
        roles: ['Developer', 'Marketer'],
      }),
    ).toBe('Someone added Patti Fernandez as Developer, Marketer.');
    expect(historyLine({ ...base, action: 'member.removed', subject })).toBe(
      'Nestor Wilke removed Patti Fernandez from the account.',
    );
  });
});
