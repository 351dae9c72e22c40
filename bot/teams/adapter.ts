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
  AuthenticationConstants,
  ClaimsIdentity,
  MsalServiceClientCredentialsFactory,
  type AuthenticateRequestResult,
  type BotFrameworkAuthentication,
  type ServiceClientCredentialsFactory,
} from 'botframework-connector';
import type { Config } from '../config';
import { ReusingAuthentication } from './reusedClients';

/** The app id local mode's anonymous turns carry: the token service client refuses to work without one. */
const LOCAL_APP_ID = 'local-mode';

/** CloudAdapter, with authentication done by the caller so an auth failure can never look like a bot failure. */
export class TeamsAdapter extends CloudAdapter {
  constructor(
    readonly authentication: BotFrameworkAuthentication,
    private readonly localMode: boolean,
  ) {
    super(authentication);
  }

  runAuthenticated(
    auth: AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ) {
    return this.processActivity(this.localMode ? withLocalAppId(auth) : auth, activity, logic);
  }
}

/**
 * Local mode has no app id and its channel (the Agents Playground) sends no token, so the identity is
 * anonymous; botbuilder's user token client still requires an app id. Credentials stay empty: with no
 * MicrosoftAppId the credentials factory treats authentication as disabled whatever the id.
 */
function withLocalAppId(auth: AuthenticateRequestResult): AuthenticateRequestResult {
  if (auth.claimsIdentity.getClaimValue(AuthenticationConstants.AudienceClaim)) return auth;
  return {
    ...auth,
    claimsIdentity: new ClaimsIdentity(
      [...auth.claimsIdentity.claims, { type: AuthenticationConstants.AudienceClaim, value: LOCAL_APP_ID }],
      auth.claimsIdentity.isAuthenticated,
    ),
  };
}

export function createAdapter(config: Config): TeamsAdapter {
  const { bot } = config;
  const authentication = new ConfigurationBotFrameworkAuthentication(
    { MicrosoftAppId: bot.id, MicrosoftAppTenantId: bot.tenantId, ...config.botFrameworkEndpoints },
    credentialsFactory(config),
  );
  return new TeamsAdapter(new ReusingAuthentication(authentication), config.localMode);
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
