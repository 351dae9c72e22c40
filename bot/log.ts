import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type DestinationStream } from 'pino';

/**
 * Reports a problem an operator should see: a warning, or an error when `error` is given. An error is
 * logged by its type, message, code, status and cause only: never a request, its headers or its body.
 */
export type Log = (message: string, error?: unknown) => void;

/** The fields of one log line. */
export type LogFields = Record<string, unknown>;

/** A process's logger: a `Log` for problems, and `info` and `debug` for what happened, as fields. */
export interface Logger extends Log {
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  /** Default info. */
  level?: LogLevel;
  /** Lines for a person at a terminal (local mode) rather than one JSON object a line. */
  pretty?: boolean;
  /** Where the lines go; default stdout. */
  destination?: DestinationStream;
  /** Which process writes them: `bot` or `worker`. */
  name?: string;
}

/**
 * Whatever reaches a log by mistake must still not carry a credential: channel, user and app tokens,
 * OAuth codes and state, client secrets, the bot's password.
 */
const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'idToken',
  '*.idToken',
  'refreshToken',
  '*.refreshToken',
  'ssoToken',
  '*.ssoToken',
  'code',
  'magicCode',
  '*.magicCode',
  'state',
  'password',
  '*.password',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  '*.client_secret',
];

/** Bearer tokens and JWTs inside text (an error message quoting a header, a URL with a token in it). */
const SECRET_TEXT = [/\bBearer\s+[\w.~+/=-]+/gi, /\beyJ[\w-]*\.[\w-]*\.[\w-]*/g];

interface Scope {
  fields: LogFields;
  errors: number;
}

/** What one turn or one delivery has logged so far. */
export interface LogScope {
  /** Problems logged with an error while it ran. */
  readonly errors: number;
}

const scopes = new AsyncLocalStorage<Scope>();

/**
 * Runs `work` with `fields` on every line logged while it runs, from any code it calls (a turn's correlation
 * id reaches the SDK's and the stores' lines without being passed down).
 */
export function inLogScope<T>(fields: LogFields, work: (scope: LogScope) => Promise<T>): Promise<T> {
  const scope: Scope = { fields: { ...scopes.getStore()?.fields, ...fields }, errors: 0 };
  return scopes.run(scope, () => work(scope));
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const lines = pino(
    {
      level: options.level ?? 'info',
      ...(options.name ? { name: options.name } : {}),
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // A copy: pino merges each line's own fields into what the mixin returns.
      mixin: () => ({ ...scopes.getStore()?.fields }),
      // errorFields has already chosen what of an error is logged.
      serializers: { err: (fields: LogFields) => fields },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination ?? (options.pretty ? prettyStdout() : pino.destination({ dest: 1, sync: true })),
  );
  const problem: Log = (message, error) => {
    if (error === undefined) return lines.warn(scrub(message));
    const scope = scopes.getStore();
    if (scope) scope.errors += 1;
    lines.error({ err: errorFields(error) }, scrub(message));
  };
  return Object.assign(problem, {
    info: (message: string, fields: LogFields = {}) => lines.info(fields, message),
    debug: (message: string, fields: LogFields = {}) => lines.debug(fields, message),
  });
}

let fallback: Logger | undefined;

/** For code started without a logger: JSON on stdout at info. */
export const consoleLog: Logger = Object.assign(
  (message: string, error?: unknown) => fallbackLogger()(message, error),
  {
    info: (message: string, fields?: LogFields) => fallbackLogger().info(message, fields),
    debug: (message: string, fields?: LogFields) => fallbackLogger().debug(message, fields),
  },
);

function fallbackLogger(): Logger {
  fallback ??= createLogger();
  return fallback;
}

/**
 * pino-pretty is a development dependency: local mode is a developer's `npm start`. Without it (a
 * production install run without BOT_ID) the lines stay JSON.
 */
function prettyStdout(): DestinationStream {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional at run time, see above
    const pretty = require('pino-pretty') as typeof import('pino-pretty');
    return pretty.build({
      colorize: Boolean(process.stdout.isTTY),
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,name',
      destination: 1,
      sync: true,
    });
  } catch {
    return pino.destination({ dest: 1, sync: true });
  }
}

/** Depth of `cause` chains followed: enough for a wrapped Redis or HTTP error. */
const MAX_CAUSES = 3;

function errorFields(error: unknown, depth = 0): LogFields {
  if (!(error instanceof Error)) return { message: scrub(String(error)) };
  const { code, statusCode, cause } = error as { code?: unknown; statusCode?: unknown; cause?: unknown };
  return {
    type: error.name,
    message: scrub(error.message),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(typeof statusCode === 'number' ? { statusCode } : {}),
    ...(cause !== undefined && depth < MAX_CAUSES ? { cause: errorFields(cause, depth + 1) } : {}),
    ...(error.stack ? { stack: scrub(error.stack) } : {}),
  };
}

/** `text` with any bearer token or JWT in it replaced. */
export function scrub(text: string): string {
  return SECRET_TEXT.reduce((out, pattern) => out.replace(pattern, '[redacted]'), text);
}
