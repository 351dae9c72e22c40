import { DependencyUnavailableError } from '../../bot/core/errors';
import type { Association } from '../../bot/core/model';
import { inAssociationOrder } from '../../bot/infra/associationOrder';
import { RedisKeys, memberField } from '../../bot/redis/keys';
import { RedisUnavailableError, isRedisUnavailable } from '../../bot/redis/unavailable';

/** Redis Cluster's rule: the part between the first '{' and the next '}', if not empty. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
}

describe('Redis key layout', () => {
  const keys = new RedisKeys('pcta');

  test('all keys of one account share the account hash tag', () => {
    const account = '5f2b-acct';
    const tags = [
      keys.request(account, 'r-1'),
      keys.associations(account),
      keys.members(account),
      keys.audit(account),
    ].map(hashTag);
    expect(new Set(tags)).toEqual(new Set([`acct:${account}`]));
    expect(keys.request(account, 'r-1')).toBe('pcta:{acct:5f2b-acct}:req:r-1');
  });

  test('an id cannot break out of its hash tag or collide with another id', () => {
    const sneaky = keys.associations('a}b');
    expect(hashTag(sneaky)).toBe('acct:a%7Db');
    expect(keys.associations('a%7Db')).not.toBe(sneaky);
  });

  test('bot state keys are tagged by their own key', () => {
    const key = 'msteams/conversations/19:abc@thread.v2/users/29:xyz';
    expect(hashTag(keys.state(key))).toBe(key);
    expect(keys.state(key)).toBe(`pcta:state:{${key}}`);
  });

  test('the prefix is configurable but cannot contain a hash tag', () => {
    expect(new RedisKeys('test:x').audit('a')).toBe('test:x:{acct:a}:audit');
    expect(() => new RedisKeys('bad{prefix}')).toThrow(/prefix/);
  });

  test('member fields keep tenant and object ids apart', () => {
    expect(memberField('t/1', 'o')).not.toBe(memberField('t', '1/o'));
  });
});

describe('isRedisUnavailable', () => {
  test.each([
    "Stream isn't writeable and enableOfflineQueue options is false",
    'Connection is closed.',
    'Command timed out',
    'LOADING Redis is loading the dataset in memory',
    'CLUSTERDOWN The cluster is down',
  ])('recognises "%s"', (message) => {
    expect(isRedisUnavailable(new Error(message))).toBe(true);
  });

  test('recognises socket errors and its own error, not application errors', () => {
    expect(isRedisUnavailable(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isRedisUnavailable(new RedisUnavailableError(new Error('x')))).toBe(true);
    expect(isRedisUnavailable(new Error('WRONGTYPE Operation against a key'))).toBe(false);
    expect(isRedisUnavailable('Connection is closed.')).toBe(false);
  });

  test('says whether a failed command may still have run', () => {
    const notSent = new RedisUnavailableError(
      new Error("Stream isn't writeable and enableOfflineQueue is false"),
    );
    const inFlight = new RedisUnavailableError(new Error('Command timed out'));
    expect([notSent.maybeApplied, inFlight.maybeApplied]).toEqual([false, true]);
    expect(notSent).toBeInstanceOf(DependencyUnavailableError);
    expect(notSent.dependency).toBe('storage');
  });
});

test('associations are ordered by associatedAt, then tenant id', () => {
  const at = (tenantId: string, associatedAt: string) => ({ tenantId, associatedAt }) as Association;
  const ordered = inAssociationOrder([
    at('c', '2026-02-01T00:00:00Z'),
    at('b', '2026-01-01T00:00:00+01:00'),
    at('a', '2026-01-01T00:00:00Z'),
    at('d', '2025-12-31T23:00:00Z'),
  ]);
  expect(ordered.map((a) => a.tenantId)).toEqual(['b', 'd', 'a', 'c']);
});
