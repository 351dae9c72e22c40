import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { ConfidentialClientApplication } from '@azure/msal-node';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type Activity,
  type TurnContext,
} from 'botbuilder';
import {
  MsalServiceClientCredentialsFactory,
  type AuthenticateRequestResult,
  type BotFrameworkAuthentication,
  type ServiceClientCredentialsFactory,
} from 'botframework-connector';
import type { Config } from '../config';

/** CloudAdapter, with authentication done by the caller so an auth failure can never look like a bot failure. */
export class TeamsAdapter extends CloudAdapter {
  constructor(readonly authentication: BotFrameworkAuthentication) {
    super(authentication);
  }

  runAuthenticated(
    auth: AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ) {
    return this.processActivity(auth, activity, logic);
  }
}

export function createAdapter(config: Config): TeamsAdapter {
  const { bot } = config;
  const authentication = new ConfigurationBotFrameworkAuthentication(
    { MicrosoftAppId: bot.id, MicrosoftAppTenantId: bot.tenantId, ...config.botFrameworkEndpoints },
    credentialsFactory(config),
  );
  return new TeamsAdapter(authentication);
}

/**
 * Outbound credentials. With a login URL of its own (a sovereign or private cloud), MSAL is told the authority
 * is known: the SDK's default would first ask login.microsoftonline.com for instance discovery.
 */
function credentialsFactory(config: Config): ServiceClientCredentialsFactory {
  const { bot } = config;
  const loginUrl = config.botFrameworkEndpoints.ToChannelFromBotLoginUrl;
  if (!bot.id || !loginUrl || bot.type === 'UserAssignedMSI') {
    return new ConfigurationServiceClientCredentialFactory({
      MicrosoftAppId: bot.id,
      MicrosoftAppPassword: bot.password,
      MicrosoftAppType: bot.type,
      MicrosoftAppTenantId: bot.tenantId,
    });
  }
  const authority = new URL(loginUrl);
  const ca = config.extraCaFile ? [...rootCertificates, readFileSync(config.extraCaFile, 'utf8')] : undefined;
  const msal = new ConfidentialClientApplication({
    auth: {
      clientId: bot.id,
      clientSecret: bot.password,
      authority: loginUrl,
      knownAuthorities: [authority.host],
    },
    system: ca ? { customAgentOptions: { ca } } : {},
  });
  return new MsalServiceClientCredentialsFactory(bot.id, msal);
}
