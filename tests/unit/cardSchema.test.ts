import { cardProblems } from '../support/adaptiveCardsLibrary';
import { cardStates, type CardState, type Delivery } from '../support/cardStates';
import { demoWorld, longestWorld } from '../support/cardWorlds';

/**
 * Teams answers a bot message over its size limit with 413 MessageSizeTooBig. It counts the payload as UTF-16;
 * its documentation now puts the limit at about 100 KB and advises staying within 80 KB. Under 40 KB of
 * UTF-8, as the JSON goes over the wire, is under 80 KB as UTF-16 whatever the characters.
 */
const MAX_MESSAGE_BYTES = 40 * 1024;

/** The JSON Teams receives for a card, as the bot sends it (`sendCard`, `cardResponse`, the notification sender). */
function payload(state: CardState, delivery: Delivery): string {
  const { card, summary } = state;
  return JSON.stringify(
    delivery === 'message'
      ? { type: 'message', ...(summary ? { summary } : {}), attachments: [card] }
      : // Universal Actions: the invoke response body carries the card that replaces the clicked one.
        { statusCode: 200, type: card.contentType, value: card.content },
  );
}

const worlds = [
  ['the demo directory, with Northwind Traders (twelve domains) under review', demoWorld()],
  [
    'the longest values allowed: 256-character names, a 500-character reason, 100 people to refresh for, 40 tenants',
    longestWorld(),
  ],
] as const;

describe.each(worlds)('every card state, with %s', (_, world) => {
  const states = cardStates(world).map((state) => [state.name, state] as const);

  it.each(states)(
    '%s: the Adaptive Cards library parses it with no errors or warnings, as version ≤ 1.5',
    (name, state) => {
      expect({ state: name, problems: cardProblems(state.card.content) }).toEqual({
        state: name,
        problems: [],
      });
    },
  );

  it.each(states)('%s: every template expression was expanded', (name, state) => {
    const leftOver = JSON.stringify(state.card.content).match(/\$\{[^}]*\}/g) ?? [];
    expect({ state: name, leftOver }).toEqual({ state: name, leftOver: [] });
  });

  it.each(states)('%s: the whole message Teams receives stays under 40 KB', (name, state) => {
    const sizes = state.sentAs.map((delivery) => ({
      state: name,
      delivery,
      bytes: Buffer.byteLength(payload(state, delivery)),
    }));
    expect(sizes.filter((s) => s.bytes >= MAX_MESSAGE_BYTES)).toEqual([]);
  });
});

describe('the card states', () => {
  it('include every state a request can be in, every notification kind and the tenant list', () => {
    const names = cardStates(demoWorld()).map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'personal-review',
        'personal-review-with-notice',
        'group-approval-everyone',
        'group-approval-manager',
        'group-approval-requester',
        'group-approval-two-person',
        'personal-completed',
        'group-approved',
        'group-rejected',
        'personal-cancelled',
        'group-withdrawn',
        'personal-already-associated',
        'personal-expired',
        'group-expired',
        'tenant-list',
        ...['completed', 'rejected', 'withdrawn', 'expired'].flatMap((k) => [
          `notification-${k}`,
          `notification-${k}-linked`,
        ]),
      ]),
    );
  });

  it('show what each one is for: the right buttons, the refresh list capped at 60, the reason, the link', () => {
    const byName = new Map(cardStates(longestWorld()).map((s) => [s.name, s.card.content]));
    const buttons = (name: string) =>
      ((byName.get(name)?.actions ?? []) as { title: string }[]).map((a) => a.title);
    expect(buttons('personal-review')).toEqual(['Confirm', 'Cancel']);
    expect(buttons('group-approval-everyone')).toEqual(['Show my options']);
    expect(buttons('group-approval-manager')).toEqual(['Approve', 'Reject']);
    expect(buttons('group-approval-requester')).toEqual(['Withdraw']);
    expect(buttons('group-approval-two-person-own-request')).toEqual(['Withdraw']);
    expect(buttons('notification-completed-linked')).toEqual(['Open the Tenants tab']);
    expect(buttons('notification-completed')).toEqual([]);
    expect((byName.get('group-approval-everyone')?.refresh as { userIds: string[] }).userIds).toHaveLength(
      60,
    );
    expect(JSON.stringify(byName.get('group-approval-manager'))).toContain('"id":"reason"');
    expect(JSON.stringify(byName.get('group-approval-two-person'))).toContain(
      'Waiting for a Manager other than',
    );
    expect(JSON.stringify(byName.get('group-rejected'))).toContain(longestWorld().rejectReason);
    expect(JSON.stringify(byName.get('personal-review-with-notice'))).toContain(longestWorld().notice);
  });
});
