import { deliveryId } from '../../bot/notifications/deliveryIds';
import { DEFAULT_DELIVERY_POLICY, retryDelayMs } from '../../bot/notifications/deliveryPolicy';
import { earliestFit, enforcedRules, TEAMS_RATE_LIMITS } from '../../bot/notifications/rateLimits';
import { deliveryOutcomeOf } from '../../bot/teams/notificationSender';
import { mostInAnyWindow } from '../support/slidingWindows';

/** What botbuilder throws for a connector answer (a RestError from @azure/core-rest-pipeline). */
function connectorError(statusCode: number, code?: string, retryAfter?: string) {
  return Object.assign(new Error('refused'), {
    name: 'RestError',
    statusCode,
    code,
    response: {
      status: statusCode,
      headers: { get: (h: string) => (h === 'retry-after' ? retryAfter : undefined) },
    },
  });
}

describe('what the connector answered decides what happens next', () => {
  test.each([
    ['429 with Retry-After', connectorError(429, 'TooManyRequests', '3'), { kind: 'retry', afterMs: 3000 }],
    ['503', connectorError(503, 'ServiceUnavailable'), { kind: 'retry' }],
    ['502', connectorError(502), { kind: 'retry' }],
    ['504', connectorError(504), { kind: 'retry' }],
    ['412', connectorError(412, 'PreconditionFailed'), { kind: 'retry' }],
    ['a timeout', Object.assign(new Error('aborted'), { name: 'AbortError' }), { kind: 'retry' }],
    [
      'a reset connection',
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      { kind: 'retry' },
    ],
    ['403 ConversationBlockedByUser', connectorError(403, 'ConversationBlockedByUser'), { kind: 'gone' }],
    ['403 BotNotInConversationRoster', connectorError(403, 'BotNotInConversationRoster'), { kind: 'gone' }],
    ['404', connectorError(404, 'NotFound'), { kind: 'gone' }],
    ['another 403', connectorError(403, 'Forbidden'), { kind: 'failed' }],
    ['400', connectorError(400, 'BadArgument'), { kind: 'failed' }],
    ['413', connectorError(413, 'MessageSizeTooBig'), { kind: 'failed' }],
  ])('%s', (_label, error, expected) => {
    expect(deliveryOutcomeOf(error)).toMatchObject(expected);
  });

  test('Retry-After may be an HTTP date', () => {
    const at = new Date(Date.now() + 10_000).toUTCString();
    const outcome = deliveryOutcomeOf(connectorError(429, 'TooManyRequests', at));
    expect(outcome.kind === 'retry' && outcome.afterMs).toBeGreaterThan(8_000);
  });
});

test('retries back off exponentially with jitter, never sooner than Retry-After, up to the cap', () => {
  const policy = { ...DEFAULT_DELIVERY_POLICY, retryBaseMs: 1000, retryMaxMs: 8000 };
  expect([1, 2, 3, 4, 10].map((n) => retryDelayMs(policy, n, 0, () => 1))).toEqual([
    1000, 2000, 4000, 8000, 8000,
  ]);
  expect([1, 2, 3].map((n) => retryDelayMs(policy, n, 0, () => 0))).toEqual([500, 1000, 2000]);
  expect(retryDelayMs(policy, 1, 5000, () => 0.5)).toBe(5000);
});

test('delivery ids are BullMQ-safe (no ":") and keep different events and conversations apart', () => {
  const ids = [
    deliveryId('req:1', '19:abc@thread.v2'),
    deliveryId('req', '1:19:abc@thread.v2'),
    deliveryId('req:1|19', 'abc@thread.v2'),
    deliveryId('req:1', 'a:1xyz'),
  ];
  for (const id of ids) expect(id).not.toContain(':');
  expect(new Set(ids).size).toBe(ids.length);
});

describe('the limiter keeps under every Teams limit', () => {
  const rules = enforcedRules(TEAMS_RATE_LIMITS.conversation, 250);

  test('slots for one conversation respect 7 per second, 8 per 2 s, 60 per 30 s and 1800 per hour', () => {
    const log: number[] = [];
    for (let i = 0; i < 120; i++) log.push(earliestFit(log, 0, rules));
    expect(mostInAnyWindow(log, 1_000)).toBeLessThanOrEqual(7);
    expect(mostInAnyWindow(log, 2_000)).toBeLessThanOrEqual(8);
    expect(mostInAnyWindow(log, 30_000)).toBeLessThanOrEqual(60);
    // 60 per 30 s is what limits a long burst: the 61st waits for the first to leave the 30-s window.
    expect(log[60] - log[0]).toBeGreaterThanOrEqual(30_000);
  });

  test('slots for one tenant are spread evenly at about 50 a second', () => {
    const tenant = enforcedRules(TEAMS_RATE_LIMITS.tenant, 60);
    const log: number[] = [];
    for (let i = 0; i < 500; i++) log.push(earliestFit(log, 0, tenant));
    expect(mostInAnyWindow(log, 1_000)).toBeLessThanOrEqual(50);
    expect(mostInAnyWindow(log, 100)).toBeLessThanOrEqual(5);
    expect(log[499] / 1000).toBeLessThan((499 / 50) * 1.07);
  });
});
