import { TurnContext, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import { notificationCard, notificationSummary } from '../../cards/notificationCard';
import type { Config } from '../config';
import type { NotificationEvent } from '../core/model';
import type { ConversationRef } from '../notifications/model';
import { RETRY_STATUSES, type DeliveryOutcome, type NotificationSender } from '../notifications/ports';
import { createAdapter } from './adapter';

export interface TeamsNotificationSenderOptions {
  adapter: Pick<CloudAdapter, 'continueConversationAsync'>;
  /** The bot's app id (BOT_ID): proactive turns are started as this bot. */
  botAppId: string;
  /** The Teams app id (TEAMS_APP_ID): the card links to the app's Tenants tab; without it, no link. */
  teamsAppId?: string;
  /** A send that takes longer is abandoned (its connection closed) and retried later. Default 10 s. */
  timeoutMs?: number;
}

/** Never called: a proactive turn needs a service URL, and only the bot's token is wanted from this one. */
const WARM_UP_SERVICE_URL = 'https://smba.trafficmanager.net/teams/';

/** 403 codes that mean the bot can never write there again: the reference is dropped. */
const GONE_CODES = new Set(['ConversationBlockedByUser', 'BotNotInConversationRoster']);

/** The sender of a deployment: its bot id, its Teams app (for the card's link), a connector of its own. */
export function notificationSenderFor(config: Config, timeoutMs?: number): TeamsNotificationSender {
  return new TeamsNotificationSender({
    adapter: createAdapter(config),
    botAppId: config.bot.id,
    ...(config.teamsAppId ? { teamsAppId: config.teamsAppId } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
  });
}

/** Sends a notification card into a conversation through the Bot Connector, and says how it went. */
export class TeamsNotificationSender implements NotificationSender {
  private readonly timeoutMs: number;

  constructor(private readonly options: TeamsNotificationSenderOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * Fetches the bot's token (botbuilder caches it for the process) before any send slot is taken: otherwise
   * the first sends all wait for it and then reach Teams together, late and bunched up.
   */
  async warmUp(): Promise<void> {
    // Local mode has no app id and sends without a token.
    if (!this.options.botAppId) return;
    const reference = {
      channelId: 'msteams',
      serviceUrl: WARM_UP_SERVICE_URL,
      conversation: { id: 'warm-up' },
    };
    await this.options.adapter.continueConversationAsync(
      this.options.botAppId,
      reference as Partial<ConversationReference>,
      async (context) => {
        const connector = context.turnState.get<ConnectorClient | undefined>(
          context.adapter.ConnectorClientKey,
        );
        const credentials = connector?.credentials as { getToken?: () => Promise<string> } | undefined;
        await credentials?.getToken?.();
      },
    );
  }

  async send(to: ConversationRef, event: NotificationEvent): Promise<DeliveryOutcome> {
    // A new message (a new post in a channel), not a reply to the activity the reference was captured from.
    const reference: Partial<ConversationReference> = { ...to.reference };
    delete reference.activityId;
    const card = notificationCard(event, { teamsAppId: this.options.teamsAppId });
    let outcome: DeliveryOutcome | undefined;
    try {
      // Errors thrown in the callback would go to the adapter's onTurnError and be swallowed: keep them here.
      await this.options.adapter.continueConversationAsync(
        this.options.botAppId,
        reference,
        async (context) => {
          try {
            const connector = oneAttemptWithin(context, this.timeoutMs);
            // context.sendActivity would reply to the continuation event's made-up id; post to the conversation.
            const activity = TurnContext.applyConversationReference(
              { type: 'message', summary: notificationSummary(event), attachments: [card] },
              reference,
            );
            await connector.conversations.sendToConversation(to.conversationId, activity);
            outcome = { kind: 'delivered' };
          } catch (err) {
            outcome = deliveryOutcomeOf(err);
          }
        },
      );
    } catch (err) {
      // Before the turn: the bot's own token could not be had (login endpoint down), or a bad reference.
      outcome ??= deliveryOutcomeOf(err);
    }
    return outcome ?? { kind: 'retry', reason: 'the adapter did not run the proactive turn' };
  }
}

interface PipelineLike {
  removePolicy(options: { name: string }): unknown;
  addPolicy(policy: {
    name: string;
    sendRequest(
      request: { timeout: number },
      next: (request: { timeout: number }) => Promise<unknown>,
    ): Promise<unknown>;
  }): void;
}

/**
 * botbuilder's HTTP pipeline retries 429, 5xx and network errors by itself (up to 3 times, with no timeout):
 * those retries would go around the rate limiter and hold the job for minutes. The delivery queue is the one
 * place that retries, so this turn's connector client (a new one per turn) makes exactly one bounded attempt.
 * The pipeline is not public API; if botbuilder moves it, this fails loudly rather than send uncontrolled.
 */
function oneAttemptWithin(context: TurnContext, timeoutMs: number): ConnectorClient {
  const connector = context.turnState.get<ConnectorClient | undefined>(context.adapter.ConnectorClientKey);
  const pipeline = (connector as { client?: { pipeline?: PipelineLike } } | undefined)?.client?.pipeline;
  if (!pipeline) throw new Error('the connector client has no HTTP pipeline to bound (botbuilder changed?)');
  pipeline.removePolicy({ name: 'defaultRetryPolicy' });
  pipeline.removePolicy({ name: 'notificationTimeout' });
  pipeline.addPolicy({
    name: 'notificationTimeout',
    sendRequest: (request, next) => {
      request.timeout = timeoutMs;
      return next(request);
    },
  });
  return connector as ConnectorClient;
}

interface ConnectorError {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  response?: { status?: number; headers?: { get?(name: string): string | undefined } };
}

/** Maps what the Bot Connector answered (as botbuilder throws it) to what the queue does next. */
export function deliveryOutcomeOf(err: unknown): DeliveryOutcome {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ConnectorError;
  const status = e.statusCode ?? e.response?.status;
  const reason = [status, e.code, e.message ?? String(err)]
    .filter((p) => p !== undefined && p !== '')
    .join(' ');
  if (status === undefined || status === 0) {
    // No HTTP answer: a timeout (AbortError), a refused or reset connection, a token that could not be had.
    return { kind: 'retry', reason: e.name === 'AbortError' ? `timeout: ${reason}` : reason };
  }
  if (status === 404 || (status === 403 && e.code !== undefined && GONE_CODES.has(e.code))) {
    return { kind: 'gone', reason };
  }
  if (RETRY_STATUSES.has(status)) {
    const afterMs = retryAfterMs(e.response?.headers?.get?.('retry-after'));
    return afterMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, afterMs };
  }
  return { kind: 'failed', reason };
}

/** Retry-After in seconds or as an HTTP date. */
function retryAfterMs(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
