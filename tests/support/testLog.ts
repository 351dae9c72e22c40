import { consoleLog, type Log } from '../../bot/log';

/** What the bot logs during a test: nothing, unless TEST_LOG is set to watch a failing one. */
export const testLog: Log = process.env.TEST_LOG ? consoleLog : () => undefined;
