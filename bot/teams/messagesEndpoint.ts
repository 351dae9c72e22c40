import type { Activity, TurnContext } from 'botbuilder';
import type { TeamsAdapter } from './adapter';

export interface EndpointRequest {
  authorization: string;
  body: unknown;
}

export interface EndpointResponse {
  status: number;
  body?: unknown;
}

/**
 * POST /api/messages, free of any web framework. Every authentication failure (forged, expired, unsigned,
 * wrong audience or issuer) is a 401 and runs no bot logic.
 */
export async function handleActivity(
  adapter: TeamsAdapter,
  request: EndpointRequest,
  logic: (context: TurnContext) => Promise<void>,
): Promise<EndpointResponse> {
  const activity = request.body as Activity;
  if (!isActivity(activity))
    return { status: 400, body: { error: 'The body is not a Bot Framework activity.' } };

  let auth;
  try {
    auth = await adapter.authentication.authenticateRequest(activity, request.authorization);
  } catch {
    return { status: 401, body: { error: 'Unauthorized' } };
  }
  const invokeResponse = await adapter.runAuthenticated(auth, activity, logic);
  return { status: invokeResponse?.status ?? 200, body: invokeResponse?.body };
}

function isActivity(body: unknown): body is Activity {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { type, serviceUrl, conversation, from } = body as Record<string, unknown>;
  return (
    typeof type === 'string' &&
    type.length > 0 &&
    typeof serviceUrl === 'string' &&
    isObjectWithId(conversation) &&
    isObjectWithId(from)
  );
}

function isObjectWithId(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';
}
