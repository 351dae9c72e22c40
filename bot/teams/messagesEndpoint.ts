import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ActivityTypes, TurnContext, type Activity } from 'botbuilder';
import { ACTIONS } from '../core/requestMachine';
import { inLogScope, type LogFields, type Logger, type LogScope } from '../log';
import type { TeamsAdapter } from './adapter';
import { parseCommand } from './commands';

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
 * wrong audience or issuer) is a 401 and runs no bot logic. Each activity is one `turn` log line, and every
 * line logged while it runs carries its correlation id.
 */
export async function handleActivity(
  adapter: TeamsAdapter,
  request: EndpointRequest,
  logic: (context: TurnContext) => Promise<void>,
  log: Logger,
): Promise<EndpointResponse> {
  const started = performance.now();
  const activity = request.body as Activity;
  const valid = isActivity(activity);
  const fields = { correlationId: randomUUID(), ...(valid ? describe(activity) : {}) };
  return inLogScope(fields, async (scope) => {
    let response: EndpointResponse;
    try {
      response = valid
        ? await authenticatedTurn(adapter, activity, request.authorization, logic)
        : { status: 400, body: { error: 'The body is not a Bot Framework activity.' } };
    } catch (error) {
      log('turn failed', error);
      response = { status: 500, body: { error: 'The bot could not handle this activity.' } };
    }
    log.info('turn', {
      status: response.status,
      outcome: outcomeOf(response.status, scope),
      durationMs: Math.round(performance.now() - started),
    });
    return response;
  });
}

async function authenticatedTurn(
  adapter: TeamsAdapter,
  activity: Activity,
  authorization: string,
  logic: (context: TurnContext) => Promise<void>,
): Promise<EndpointResponse> {
  let auth;
  try {
    auth = await adapter.authentication.authenticateRequest(activity, authorization);
  } catch {
    return { status: 401, body: { error: 'Unauthorized' } };
  }
  const invokeResponse = await adapter.runAuthenticated(auth, activity, logic);
  return { status: invokeResponse?.status ?? 200, body: invokeResponse?.body };
}

function outcomeOf(status: number, scope: LogScope): string {
  if (status === 400) return 'malformed';
  if (status === 401) return 'unauthorized';
  if (status >= 500 || scope.errors > 0) return 'failed';
  return 'handled';
}

const ACTIVITY_TYPES = new Set<string>(Object.values(ActivityTypes));
const CARD_VERBS = new Set<string>([...ACTIONS, 'refresh']);
/** Teams' invoke names (`signin/verifyState`, `adaptiveCard/action`): words and one slash, no digits. */
const INVOKE_NAME = /^[a-z][A-Za-z]{0,40}(\/[a-z][A-Za-z]{0,40})?$/;

/**
 * What an operator needs to follow a turn, and nothing a person typed: the command's name, never the
 * text (a typed sign-in code is a credential); only names the bot knows for types, invokes and verbs.
 */
function describe(activity: Activity): LogFields {
  const fields: LogFields = { activityType: ACTIVITY_TYPES.has(activity.type) ? activity.type : 'other' };
  const conversationType = activity.conversation.conversationType;
  if (conversationType === 'personal' || conversationType === 'groupChat' || conversationType === 'channel')
    fields.conversationType = conversationType;
  if (activity.type === ActivityTypes.Message) fields.command = parseCommand(textOf(activity)).name;
  if (activity.type === ActivityTypes.Invoke) {
    const name =
      typeof activity.name === 'string' && INVOKE_NAME.test(activity.name) ? activity.name : 'other';
    fields.invoke = name;
    if (name === 'adaptiveCard/action') {
      const verb = (activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
      fields.verb = typeof verb === 'string' && CARD_VERBS.has(verb) ? verb : 'other';
    }
  }
  return fields;
}

/** The text as the router reads it: without the @mention of the bot (on a copy; botbuilder edits in place). */
function textOf(activity: Activity): string {
  if (typeof activity.text !== 'string') return '';
  if (typeof activity.recipient?.id !== 'string' || !Array.isArray(activity.entities)) return activity.text;
  try {
    return TurnContext.removeRecipientMention({ ...activity }) ?? '';
  } catch {
    return activity.text;
  }
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
