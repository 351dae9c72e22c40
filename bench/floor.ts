/**
 * Baseline (b), the floor: the least work a turn needs, on a bare restify 11 handler. It validates the
 * channel's JWT, reads and writes the conversation's state in Redis (one GET, one SET), POSTs the reply to
 * the connector with the bot's app token, and answers 200.
 *
 * Inbound validation is botbuilder's own (ConfigurationBotFrameworkAuthentication.authenticateRequest, the
 * very call bot/teams/messagesEndpoint.ts makes), not a leaner jsonwebtoken + JWKS check: the issue asks for
 * the same validation the bot does, and with the same validator the floor and the bot differ only by what a
 * turn does after the token is accepted — which is what the budget is about. No other part of the SDK is
 * used: no adapter, no connector client, no turn context.
 */
import http from 'node:http';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import Redis from 'ioredis';
import * as restify from 'restify';
import { BOT_FRAMEWORK_ENDPOINT_KEYS } from '../bot/config';

const env = process.env as Record<string, string>;
const STATE_TTL_MS = 24 * 60 * 60 * 1000;

interface Activity {
  id: string;
  type: string;
  text?: string;
  channelId: string;
  serviceUrl: string;
  from: { id: string; name?: string };
  recipient: { id: string; name?: string };
  conversation: { id: string };
}

const authentication = new ConfigurationBotFrameworkAuthentication({
  MicrosoftAppId: env.BOT_ID,
  MicrosoftAppTenantId: env.BOT_TENANT_ID,
  ...Object.fromEntries(BOT_FRAMEWORK_ENDPOINT_KEYS.map((key) => [key, env[key]])),
});
const redis = new Redis(env.REDIS_URL);
const connector = new http.Agent({ keepAlive: true });
const appToken = appTokenSource();

const server = restify.createServer();
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req, res) => {
  const activity = req.body as Activity;
  try {
    await authentication.authenticateRequest(activity as never, req.header('authorization') ?? '');
  } catch {
    res.send(401);
    return;
  }
  const key = `${env.REDIS_KEY_PREFIX}:floor:${activity.conversation.id}`;
  const state = JSON.parse((await redis.get(key)) ?? '{"turns":0}') as { turns: number };
  await redis.set(key, JSON.stringify({ turns: state.turns + 1 }), 'PX', STATE_TTL_MS);
  await reply(activity, `Echo: ${activity.text ?? ''}`);
  res.send(200);
});
server.get('/healthz', (_req, res, next) => {
  res.send(200, { status: 'ok' });
  next();
});
appToken.get().then(
  () => server.listen(Number(env.PORT), env.HOST, () => console.log(`floor listening on ${server.url}`)),
  (error: unknown) => {
    console.error('no app token', error);
    process.exit(1);
  },
);
process.once('SIGTERM', () => server.close(() => process.exit(0)));

/** POST {serviceUrl}v3/conversations/{id}/activities/{replyToId}, as the connector client does. */
async function reply(to: Activity, text: string): Promise<void> {
  const body = JSON.stringify({
    type: 'message',
    text,
    channelId: to.channelId,
    serviceUrl: to.serviceUrl,
    from: to.recipient,
    recipient: to.from,
    conversation: to.conversation,
    replyToId: to.id,
  });
  const url = new URL(
    `v3/conversations/${encodeURIComponent(to.conversation.id)}/activities/${encodeURIComponent(to.id)}`,
    to.serviceUrl,
  );
  const authorization = `Bearer ${await appToken.get()}`;
  await new Promise<void>((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent: connector,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization,
        },
      },
      (response) => {
        response.resume();
        response.once('end', () =>
          (response.statusCode ?? 500) < 300 ? resolve() : reject(new Error(`reply: ${response.statusCode}`)),
        );
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}

/** The bot's token for the connector (client credentials), kept until five minutes before it expires. */
function appTokenSource(): { get(): Promise<string> } {
  let cached: { token: string; renewAt: number } | undefined;
  return {
    async get() {
      if (cached && Date.now() < cached.renewAt) return cached.token;
      const response = await fetch(`${env.ToChannelFromBotLoginUrl}/oauth2/v2.0/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: env.BOT_ID,
          client_secret: env.BOT_PASSWORD,
          scope: `${env.ToChannelFromBotOAuthScope}/.default`,
        }),
      });
      if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
      const { access_token, expires_in } = (await response.json()) as {
        access_token: string;
        expires_in: number;
      };
      cached = { token: access_token, renewAt: Date.now() + (expires_in - 300) * 1000 };
      return access_token;
    },
  };
}
