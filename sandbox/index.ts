import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateLocalCa } from './ca';
import { CHANNEL_ISSUER, type ChannelTokenForgery, startChannelAuth } from './channelAuth';
import { type ConnectorEmulator, startConnector } from './connector';
import { type DemoDirectory, loadDemoDirectory } from '../demo/directory';
import { type GraphFault, type GraphSettings, startGraph } from './graph';
import { BOT_FRAMEWORK_AUDIENCE, startLogin } from './login';
import { startTokenService, type VerifyStateDelivery } from './tokenService';

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
export { CONSUMER_TENANT_ID, loadDemoDirectory, signInAccounts } from '../demo/directory';
export type { GraphFault, GraphSettings } from './graph';
export { GLOBAL_ADMIN_ROLE_TEMPLATE_ID } from './graph';
export type { HttpFault } from './http';
export type { ChannelTokenForgery } from './channelAuth';
export { CHANNEL_TOKEN_FORGERIES } from './channelAuth';
export type { VerifyStateDelivery } from './tokenService';

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
  ports?: Partial<Record<'channelAuth' | 'connector' | 'tokenService' | 'login' | 'graph', number>>;
  /** How long a magic code stays redeemable; default 10 minutes. */
  magicCodeTtlMs?: number;
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
  };
  /** botbuilder ConfigurationBotFrameworkAuthentication keys, all of them (setting one means setting all). */
  botFrameworkAuthConfig(): Record<string, string>;
  /** Mints a Bot Framework channel token, or a forged one for negative tests. */
  mintChannelToken(opts: { appId: string; serviceUrl: string; forge?: ChannelTokenForgery }): string;
  connector: ConnectorEmulator;
  tokenService: {
    /** The sign-in flow as a browser would do it; returns the 6-digit code shown. */
    chooseAccount(signInLink: string, userPrincipalName: string): Promise<string>;
    /** Each `signin/verifyState` invoke sent to `botEndpoint` and how the bot answered. */
    verifyStateDeliveries(): VerifyStateDelivery[];
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
  const tls = { cert: ca.serverCertPem, key: ca.serverKeyPem };

  const closers: (() => Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(closers.splice(0).map((c) => c()));
  };
  try {
    const channelAuth = await startChannelAuth({ host, port: ports.channelAuth });
    closers.push(channelAuth.close);
    const login = await startLogin({
      host,
      port: ports.login,
      tls,
      directory,
      botAppId: options.botAppId,
      botAppPassword: options.botAppPassword,
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
    });
    closers.push(tokenService.close);
    const graph = await startGraph({ host, port: ports.graph, tls, directory, login });
    closers.push(graph.close);

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
      },
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
      connector,
      tokenService: {
        chooseAccount: (link, upn) => tokenService.chooseAccount(link, upn),
        verifyStateDeliveries: () => tokenService.verifyStateDeliveries(),
      },
      graph: { faults: graph.faults, settings: graph.settings },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
