/**
 * Baseline (a): the echo bot a developer starts from — botbuilder 4.23.3's CloudAdapter behind restify, as the
 * Teams Toolkit template wires it, with ConversationState on MemoryStorage, replying with the text. Inbound
 * JWT validation is the SDK's, against the sandbox's endpoints (BOT_ID, BOT_PASSWORD and the SDK's endpoint
 * keys come from the environment, NODE_EXTRA_CA_CERTS trusts the sandbox's CA).
 *
 * The one departure from the template: outbound credentials come from an MSAL client told the sandbox login
 * is a known authority. The SDK's default factory first asks login.microsoftonline.com for instance
 * discovery, which cannot work offline (see /work/shared/WIRE-FACTS.md).
 */
import { ConfidentialClientApplication } from '@azure/msal-node';
import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  MemoryStorage,
  type TurnContext,
} from 'botbuilder';
import { MsalServiceClientCredentialsFactory } from 'botframework-connector';
import * as restify from 'restify';
import { BOT_FRAMEWORK_ENDPOINT_KEYS } from '../bot/config';

const env = process.env as Record<string, string>;
const appId = env.BOT_ID;
const loginUrl = env.ToChannelFromBotLoginUrl;

const msal = new ConfidentialClientApplication({
  auth: {
    clientId: appId,
    clientSecret: env.BOT_PASSWORD,
    authority: loginUrl,
    knownAuthorities: [new URL(loginUrl).host],
  },
});
const authentication = new ConfigurationBotFrameworkAuthentication(
  {
    MicrosoftAppId: appId,
    MicrosoftAppTenantId: env.BOT_TENANT_ID,
    ...Object.fromEntries(BOT_FRAMEWORK_ENDPOINT_KEYS.map((key) => [key, env[key]])),
  },
  new MsalServiceClientCredentialsFactory(appId, msal),
);
const adapter = new CloudAdapter(authentication);
adapter.onTurnError = async (_context, error) => console.error('turn failed', error);

const conversationState = new ConversationState(new MemoryStorage());
const turnCount = conversationState.createProperty<number>('turnCount');

class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await turnCount.set(context, (await turnCount.get(context, 0)) + 1);
      await context.sendActivity(`Echo: ${context.activity.text}`);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await conversationState.saveChanges(context, false);
  }
}

const bot = new EchoBot();
const server = restify.createServer();
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req, res) => {
  await adapter.process(req, res, (context) => bot.run(context));
});
server.get('/healthz', (_req, res, next) => {
  res.send(200, { status: 'ok' });
  next();
});
server.listen(Number(env.PORT), env.HOST, () => console.log(`echo bot listening on ${server.url}`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
