import { Writable } from 'node:stream';
import { createLogger, type Logger, type LogLevel } from '../../bot/log';

/** What the bot logs during a test: nothing, unless TEST_LOG is set to watch a failing one. */
export const testLog: Logger = createLogger({
  level: process.env.TEST_LOG ? 'debug' : 'silent',
  pretty: true,
});

/** One JSON line the bot logged, as an operator's log store would hold it. */
export type LogLine = Record<string, unknown> & { level: string; msg: string };

export interface CapturedLog {
  log: Logger;
  lines(): LogLine[];
  /** Everything written, as written. */
  text(): string;
}

/** The bot's real logger (redaction included), its JSON lines kept for the test to read. */
export function captureLog(level: LogLevel = 'debug'): CapturedLog {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      if (process.env.TEST_LOG) process.stderr.write(chunk);
      done();
    },
  });
  return {
    log: createLogger({ level, destination }),
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LogLine),
  };
}
