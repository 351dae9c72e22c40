import type { Activity } from 'botbuilder';
import {
  AuthenticationConstants,
  BotFrameworkAuthentication,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';

/** Teams keeps sending one channel token until it expires; a validation is reused at most this long. */
const MAX_REUSE_MS = 5 * 60 * 1000;
/** Distinct tokens remembered; the oldest is forgotten first. */
const MAX_TOKENS = 1_000;

/**
 * botbuilder's authentication, with what it rebuilds on every turn kept instead. On each turn the SDK checks the
 * channel's JWT from scratch (an RSA signature, and a PEM rebuilt from the JWK), then builds a new
 * ConnectorClient and a new UserTokenClient, each a fresh HTTP pipeline of a dozen policies. Here:
 *
 * - a token that passed botbuilder's checks is trusted again for the same channel and service URL until it
 *   expires (at most 5 minutes): same bytes, same signature, same verdict. A token that fails is never
 *   remembered, so every forgery still gets its 401. (botbuilder already keeps the signing keys for 24 hours.)
 * - one ConnectorClient per service URL and audience, one UserTokenClient per app id: they hold no state of a
 *   turn, only credentials and a pipeline.
 *
 * Every check and every client is still botbuilder's own.
 */
export class ReusingAuthentication extends BotFrameworkAuthentication {
  private readonly validated = new Map<string, { result: AuthenticateRequestResult; until: number }>();
  private readonly factories = new Map<string, ReusingConnectorFactory>();
  private readonly userTokenClients = new Map<string, Promise<UserTokenClient>>();

  constructor(private readonly sdk: BotFrameworkAuthentication) {
    super();
  }

  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const key = `${activity.channelId}\n${activity.serviceUrl}\n${authHeader}`;
    const known = this.validated.get(key);
    if (known && known.until > Date.now()) return known.result;
    this.validated.delete(key);
    const checked = await this.sdk.authenticateRequest(activity, authHeader);
    const result = {
      ...checked,
      connectorFactory: this.createConnectorFactory(checked.claimsIdentity),
    };
    const expiresAt = Number(checked.claimsIdentity.getClaimValue('exp')) * 1000;
    if (Number.isFinite(expiresAt)) {
      if (this.validated.size >= MAX_TOKENS)
        this.validated.delete(this.validated.keys().next().value as string);
      this.validated.set(key, {
        result,
        until: Math.min(expiresAt, Date.now() + MAX_REUSE_MS),
      });
    }
    return result;
  }

  authenticateStreamingRequest(
    authHeader: string,
    channelIdHeader: string,
  ): Promise<AuthenticateRequestResult> {
    return this.sdk.authenticateStreamingRequest(authHeader, channelIdHeader);
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    const appId = appIdOf(claimsIdentity);
    let factory = this.factories.get(appId);
    if (!factory) {
      factory = new ReusingConnectorFactory(this.sdk.createConnectorFactory(claimsIdentity));
      this.factories.set(appId, factory);
    }
    return factory;
  }

  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    const appId = appIdOf(claimsIdentity);
    let client = this.userTokenClients.get(appId);
    if (!client) {
      client = this.sdk.createUserTokenClient(claimsIdentity);
      this.userTokenClients.set(appId, client);
      client.catch(() => this.userTokenClients.delete(appId));
    }
    return client;
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.sdk.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.sdk.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.sdk.authenticateChannelRequest(authHeader);
  }
}

/** One ConnectorClient per service URL and audience (Teams has a handful of service URLs). */
class ReusingConnectorFactory extends ConnectorFactory {
  private readonly clients = new Map<string, Promise<ConnectorClient>>();

  constructor(private readonly sdk: ConnectorFactory) {
    super();
  }

  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    const key = `${serviceUrl}\n${audience ?? ''}`;
    let client = this.clients.get(key);
    if (!client) {
      client = this.sdk.create(serviceUrl, audience);
      this.clients.set(key, client);
      client.catch(() => this.clients.delete(key));
    }
    return client;
  }
}

/** As botbuilder reads it: the audience claim for channel tokens, the appid claim for the Emulator's. */
function appIdOf(identity: ClaimsIdentity): string {
  return (
    identity.getClaimValue(AuthenticationConstants.AudienceClaim) ??
    identity.getClaimValue(AuthenticationConstants.AppIdClaim) ??
    ''
  );
}
