import { randomUUID } from 'node:crypto';

/** The JSON body Entra ID's token endpoint answers errors with. */
export interface EntraErrorBody {
  error: string;
  /** `AADSTS{code}: {text} Trace ID: … Correlation ID: … Timestamp: …`, as Entra ID writes it. */
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
}

/** An OAuth error with its AADSTS code; the token endpoint sends it as JSON, the authorize endpoint in a redirect. */
export class EntraError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly code: number,
    readonly text: string,
  ) {
    super(`AADSTS${code}: ${text}`);
  }

  body(): EntraErrorBody {
    return entraErrorBody(this.error, this.code, this.text);
  }
}

export function entraErrorBody(error: string, code: number, text: string): EntraErrorBody {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    error,
    error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
  };
}

/** Entra ID's words for a parameter that is missing (AADSTS900144), on both endpoints. */
export const missingParameter = (name: string, status = 400): EntraError =>
  new EntraError(
    status,
    'invalid_request',
    900144,
    `The request body must contain the following parameter: '${name}'.`,
  );
