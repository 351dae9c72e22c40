import { ConfigError, loadConfig } from '../../bot/config';
import { inLogScope } from '../../bot/log';
import { captureLog } from '../support/testLog';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib3QifQ.c2lnbmF0dXJl';

describe('what the bot logs for operators', () => {
  it('writes one JSON object a line, with an ISO time, the level by name and the fields given', () => {
    const { log, lines } = captureLog();
    log.info('turn', { status: 200, durationMs: 12 });
    const [line] = lines();
    expect(line).toMatchObject({ level: 'info', msg: 'turn', status: 200, durationMs: 12 });
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
  });

  it('redacts credentials wherever pino can see them by name', () => {
    const { log, text, lines } = captureLog();
    log.info('request', {
      headers: { authorization: `Bearer ${JWT}`, cookie: 'session=c00kie' },
      token: 'user-token-1',
      accessToken: 'user-token-2',
      clientSecret: 'tab-secret',
      password: 'bot-password',
      code: '424242',
    });
    for (const secret of [
      JWT,
      'c00kie',
      'user-token-1',
      'user-token-2',
      'tab-secret',
      'bot-password',
      '424242',
    ])
      expect(text()).not.toContain(secret);
    expect(lines()[0]).toMatchObject({ headers: { authorization: '[redacted]' }, token: '[redacted]' });
  });

  it('logs an error by type, message, code, status and cause: never the request it carries', () => {
    const { log, text, lines } = captureLog();
    const error = Object.assign(new Error(`401 from the connector for Bearer ${JWT}`), {
      name: 'RestError',
      code: 'Unauthorized',
      statusCode: 401,
      request: { url: 'https://smba.example/v3/conversations', headers: { authorization: `Bearer ${JWT}` } },
      cause: new Error('socket hang up'),
    });
    log('sending the reply failed', error);
    expect(text()).not.toContain(JWT);
    expect(text()).not.toContain('smba.example');
    expect(lines()[0]).toMatchObject({
      level: 'error',
      msg: 'sending the reply failed',
      err: {
        type: 'RestError',
        message: '401 from the connector for [redacted]',
        code: 'Unauthorized',
        statusCode: 401,
        cause: { type: 'Error', message: 'socket hang up' },
      },
    });
  });

  it('puts a turn’s fields on every line logged while it runs, and only on those', async () => {
    const { log, lines } = captureLog();
    const errors = await inLogScope({ correlationId: 'turn-1' }, async (scope) => {
      log('Graph was slow');
      await new Promise((resolve) => setImmediate(resolve));
      log('storage failed', new Error('ECONNREFUSED'));
      log.info('turn', { status: 200 });
      return scope.errors;
    });
    log.info('after the turn');
    expect(errors).toBe(1);
    expect(lines().map((l) => [l.msg, l.correlationId, 'err' in l])).toEqual([
      ['Graph was slow', 'turn-1', false],
      ['storage failed', 'turn-1', true],
      ['turn', 'turn-1', false],
      ['after the turn', undefined, false],
    ]);
  });

  it('takes its level from LOG_LEVEL (default info), and refuses a level it does not know', () => {
    expect(loadConfig({}).logLevel).toBe('info');
    expect(loadConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL must be one of/);

    const { log, lines } = captureLog(loadConfig({ LOG_LEVEL: 'warn' }).logLevel);
    log.debug('a detail');
    log.info('turn');
    log('Graph was slow');
    expect(lines().map((l) => l.msg)).toEqual(['Graph was slow']);
  });
});
