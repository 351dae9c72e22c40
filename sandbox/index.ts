import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateLocalCa } from './ca';
import { CHANNEL_ISSUER, type ChannelTokenForgery, startChannelAuth } from './channelAuth';
import { type ConnectorEmulator, startConnector } from './connector';
import { type DemoDirectory, loadDemoDirectory } from '../demo/directory';
import { type GraphFault, type GraphSettings, startGraph } from './graph';
import { type IssuedSecret, IssuedSecrets } from './issued';
import { BOT_FRAMEWORK_AUDIENCE, type MintSsoTokenOptions, startLogin } from './login';
import { LOCAL_TAB_APP, type TabAppRegistration } from './tabApp';
import { startTeamsHost } from './teamsHost';
import { startTokenService, type VerifyStateDelivery } from './tokenService';
import { TEAMS_WEB_CLIENT_ID } from './userTokens';

export type {
  ConnectorEmulator,
  ConnectorOperation,
  RecordedActivity,
  TeamsChannelAccount,
  ConnectorFault,
} from './connector';
export type {
  DemoDirectory,
  DirectoryTenant,
  DirectoryUser,
  PersonalAccount,
  TeamsUser,
} from '../demo/directory';
export { CONSUMER_TENANT_ID, findTeamsUser, loadDemoDirectory, signInAccounts } from '../demo/directory';
export type { GraphFault, GraphSettings } from './graph';
export { GLOBAL_ADMIN_ROLE_TEMPLATE_ID } from './graph';
export type { HttpFault } from './http';
export type { ChannelTokenForgery } from './channelAuth';
export type { IssuedSecret, IssuedSecretKind } from './issued';
export { CHANNEL_TOKEN_FORGERIES } from './channelAuth';
export type { VerifyStateDelivery } from './tokenService';
export type { MintSsoTokenOptions } from './login';
export type { SignInAudience, TabAppRegistration } from './tabApp';
export { LOCAL_TAB_APP } from './tabApp';
export { TEAMS_FAILURES } from './teamsHost';
export { SSO_SCOPE, TEAMS_DESKTOP_CLIENT_ID, TEAMS_WEB_CLIENT_ID } from './userTokens';

export interface SandboxOptions {
  /** Require bearer tokens from the login emulator on connector + token service calls (production-like). Default false (local mode: anonymous like the Bot Framework Emulator). */
  requireAuth?: boolean;
  /** The bot's app id; tokens minted for the channel use it as audience; the login emulator accepts it with botAppPassword. */
  botAppId?: string;
  botAppPassword?: string;
  /** When set, the token service, after a user picks an account on the sign-in page, also completes the sign-in like Teams does: it POSTs an `invoke` activity named `signin/verifyState` with value {state: <the 6-digit code>} to this URL, as the user, in the conversation from the sign-in state, with serviceUrl = the sandbox connector, authorized by a minted channel token when botAppId is set. */
  botEndpoint?: string;
  /** Default 127.0.0.1; HTTPS services use 'localhost' in URLs (the certificate is for localhost, 127.0.0.1 and ::1). */
  host?: string;
  /** Directory where ca.pem is written (so NODE_EXTRA_CA_CERTS can point at it). Default: a temp dir. Certificates already there and still valid are reused. */
  stateDir?: string;
  /** Fixed ports, for running the sandbox beside a separately started bot; default: free ports. */
  ports?: Partial<
    Record<'channelAuth' | 'connector' | 'tokenService' | 'login' | 'graph' | 'teamsHost', number>
  >;
  /** How long a magic code stays redeemable; default 10 minutes. */
  magicCodeTtlMs?: number;
  /**
   * Where the 6-digit codes come from; default random. Six digits repeat: once a code is redeemed, the
   * token service may issue it again, to anyone.
   */
  magicCode?: () => string;
  /**
   * The Tenants tab's Entra app, for its sign-in pop-up (authorization code + PKCE) and its SSO tokens. Default:
   * local mode's registration (LOCAL_TAB_APP: client id 10ca1000-0000-4000-8000-000000000002 and a fixed secret).
   */
  tabApp?: TabAppRegistration;
  /** How long an authorization code stays redeemable; default 10 minutes, as Entra ID's. */
  authCodeTtlMs?: number;
}

export interface Sandbox {
  directory: DemoDirectory;
  caCertPem: string;
  caCertPath: string;
  urls: {
    channelAuth: string;
    /** The serviceUrl; ends with '/'. */
    connector: string;
    tokenService: string;
    /** https://localhost:PORT */
    login: string;
    /** https://localhost:PORT */
    graph: string;
    /** http://127.0.0.1:PORT; the host page is `/?user=<upn or name>&app=<tab URL>[&theme=dark]`. */
    teamsHost: string;
  };
  /** The tab app's registration: its client id and secret (never logged). */
  tabApp: { clientId: string; clientSecret: string };
  /** botbuilder ConfigurationBotFrameworkAuthentication keys, all of them (setting one means setting all). */
  botFrameworkAuthConfig(): Record<string, string>;
  /** Mints a Bot Framework channel token, or a forged one for negative tests. */
  mintChannelToken(opts: { appId: string; serviceUrl: string; forge?: ChannelTokenForgery }): string;
  /** Mints a Teams SSO token (`authentication.getAuthToken`) for a Teams user, or a doctored one for negative tests. */
  mintSsoToken(options: MintSsoTokenOptions): string;
  /**
   * Every secret the sandbox issued since it started, oldest first: tokens (channel, app, user, id, SSO), magic
   * codes, authorization codes, the PKCE verifiers sent to its token endpoint, and the apps' secrets. For tests
   * that look for one where it must never be (storage, logs, what the bot sends).
   */
  issuedSecrets(): IssuedSecret[];
  connector: ConnectorEmulator;
  tokenService: {
    /** The sign-in flow as a browser would do it; returns the 6-digit code shown. */
    chooseAccount(signInLink: string, userPrincipalName: string): Promise<string>;
    /** Each `signin/verifyState` invoke sent to `botEndpoint` and how the bot answered. */
    verifyStateDeliveries(): VerifyStateDelivery[];
    /** The connections the token service keeps a token of this user for (until they sign out). */
    signedInConnections(userId: string): string[];
  };
  graph: {
    /** Mutable queue, consumed by matching requests. */
    faults: GraphFault[];
    /** Mutable: how Graph answers, e.g. withholding directory role details from an app with User.Read only. */
    settings: GraphSettings;
  };
  close(): Promise<void>;
}

/** Starts every emulator on loopback; nothing here reaches the internet. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const ports = options.ports ?? {};
  const directory = loadDemoDirectory();
  const stateDir = options.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'pc-sandbox-'));
  const ca = loadOrCreateLocalCa(stateDir);
  const tabApp = {
    clientId: options.tabApp?.clientId ?? LOCAL_TAB_APP.clientId,
    clientSecret: options.tabApp?.clientSecret ?? LOCAL_TAB_APP.clientSecret,
    signInAudience: options.tabApp?.signInAudience ?? 'AzureADandPersonalMicrosoftAccount',
  } as const;
  const tls = { cert: ca.serverCertPem, key: ca.serverKeyPem };
  const issued = new IssuedSecrets();
  if (options.botAppPassword) issued.record('clientSecret', options.botAppPassword);
  issued.record('clientSecret', tabApp.clientSecret);

  const closers: (() => Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(closers.splice(0).map((c) => c()));
  };
  try {
    const channelAuth = await startChannelAuth({ host, port: ports.channelAuth, issued });
    closers.push(channelAuth.close);
    const login = await startLogin({
      host,
      port: ports.login,
      tls,
      directory,
      botAppId: options.botAppId,
      botAppPassword: options.botAppPassword,
      tabApp,
      authCodeTtlMs: options.authCodeTtlMs,
      issued,
    });
    closers.push(login.close);
    const verifyBearer = options.requireAuth ? (token: string) => login.verifyBotToken(token) : undefined;
    const connector = await startConnector({ host, port: ports.connector, directory, verifyBearer });
    closers.push(connector.close);
    const { botAppId } = options;
    const tokenService = await startTokenService({
      host,
      port: ports.tokenService,
      directory,
      login,
      verifyBearer,
      botEndpoint: options.botEndpoint,
      connectorUrl: () => connector.url,
      mintChannelToken: botAppId
        ? (serviceUrl) => channelAuth.mintChannelToken({ appId: botAppId, serviceUrl })
        : undefined,
      magicCodeTtlMs: options.magicCodeTtlMs,
      magicCode: options.magicCode,
      issued,
    });
    closers.push(tokenService.close);
    const graph = await startGraph({ host, port: ports.graph, tls, directory, login });
    closers.push(graph.close);
    const teamsHost = await startTeamsHost({
      host,
      port: ports.teamsHost,
      directory,
      tabAppClientId: tabApp.clientId,
      // The host page is Teams on the web: its SSO tokens name Teams' web client as `azp`.
      mintSsoToken: (user, audience) =>
        login.mintSsoToken({ user, audience, overrides: { azp: TEAMS_WEB_CLIENT_ID } }),
    });
    closers.push(teamsHost.close);

    return {
      directory,
      caCertPem: ca.caCertPem,
      caCertPath: ca.caCertPath,
      urls: {
        channelAuth: channelAuth.url,
        connector: connector.url,
        tokenService: tokenService.url,
        login: login.url,
        graph: graph.url,
        teamsHost: teamsHost.url,
      },
      tabApp: { clientId: tabApp.clientId, clientSecret: tabApp.clientSecret },
      botFrameworkAuthConfig: () => ({
        ToBotFromChannelOpenIdMetadataUrl: channelAuth.openIdMetadataUrl,
        ToBotFromEmulatorOpenIdMetadataUrl: channelAuth.emulatorOpenIdMetadataUrl,
        ToBotFromChannelTokenIssuer: CHANNEL_ISSUER,
        ToChannelFromBotLoginUrl: `${login.url}/botframework.com`,
        ToChannelFromBotOAuthScope: BOT_FRAMEWORK_AUDIENCE,
        OAuthUrl: tokenService.url,
        CallerId: 'urn:botframework:azure',
        // MSAL's authority validation would call login.microsoftonline.com; the local authority is listed in knownAuthorities instead.
        ValidateAuthority: 'false',
      }),
      mintChannelToken: (opts) => channelAuth.mintChannelToken(opts),
      mintSsoToken: (opts) => login.mintSsoToken(opts),
      issuedSecrets: () => issued.list(),
      connector,
      tokenService: {
        chooseAccount: (link, upn) => tokenService.chooseAccount(link, upn),
        verifyStateDeliveries: () => tokenService.verifyStateDeliveries(),
        signedInConnections: (userId) => tokenService.signedInConnections(userId),
      },
      graph: { faults: graph.faults, settings: graph.settings },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
