import { MAX_NESTING, nestsDeeperThan } from '../../bot/http/nesting';

/** `levels` objects (or arrays) each inside the last, built without recursion. */
function nested(levels: number, kind: 'object' | 'array'): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
}

describe('how deeply a request body may nest', () => {
  it.each(['object', 'array'] as const)('%s: up to the limit is fine, one level more is not', (kind) => {
    expect(nestsDeeperThan(nested(MAX_NESTING, kind), MAX_NESTING)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_NESTING + 1, kind), MAX_NESTING)).toBe(true);
  });

  it('a Teams activity is nowhere near it', () => {
    const invoke = {
      type: 'invoke',
      name: 'adaptiveCard/action',
      from: { id: '29:1', aadObjectId: 'o' },
      conversation: { id: 'a:1', conversationType: 'personal', tenantId: 't' },
      channelData: { tenant: { id: 't' }, source: { name: 'message' } },
      entities: [{ type: 'clientInfo', locale: 'en-US' }],
      value: {
        action: { type: 'Action.Execute', verb: 'users.change', data: { user: 't/o', roles: 'Manager' } },
      },
    };
    expect(nestsDeeperThan(invoke, MAX_NESTING)).toBe(false);
    expect(nestsDeeperThan(invoke, 3)).toBe(true);
  });

  it('a hostile depth is measured without running out of stack', () => {
    expect(nestsDeeperThan({ from: { name: nested(200_000, 'array') } }, MAX_NESTING)).toBe(true);
  });

  it('values that are not objects have no depth', () => {
    for (const value of [null, 1, 'x', true, undefined]) expect(nestsDeeperThan(value, 0)).toBe(false);
  });
});
