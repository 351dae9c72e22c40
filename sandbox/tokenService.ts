import { randomInt, randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { ConversationReference } from 'botbuilder';
import { type DemoDirectory, findAccount, type SignInAccount, signInAccounts } from '../demo/directory';
import {
  bearerToken,
  type Handler,
  HttpError,
  readJson,
  type RunningServer,
  sendEmpty,
  sendHtml,
  sendJson,
  serve,
} from './http';
import type { IssuedSecrets } from './issued';
import type { LoginEmulator } from './login';
import {
  findAccountLink,
  parseMagicCode,
  renderAccountChooser,
  renderError,
  renderMagicCode,
} from './signInPage';

/** What botbuilder base64-encodes into GetSignInResource's `state` (UserTokenClient.createTokenExchangeState). */
interface TokenExchangeState {
  connectionName: string;
  conversation: Partial<ConversationReference>;
  relatesTo?: unknown;
  msAppId?: string;
}

interface SignInFlow extends TokenExchangeState {
  id: string;
  userId: string;
  channelId: string;
  expiresAt: number;
}

interface StoredToken {
  token: string;
  expiresAt: Date;
  account: SignInAccount;
}

interface MagicCode extends StoredToken {
  userId: string;
  connectionName: string;
  channelId: string;
  codeExpiresAt: number;
}

export interface VerifyStateDelivery {
  userId: string;
  status: number | 'failed';
  body?: string;
}

export interface TokenServiceEmulator {
  url: string;
  /** The sign-in flow as a browser would do it; returns the 6-digit code shown. */
  chooseAccount(signInLink: string, userPrincipalName: string): Promise<string>;
  /** Each `signin/verifyState` invoke sent to the bot and how the bot answered. */
  verifyStateDeliveries(): VerifyStateDelivery[];
  /** The connections the token service keeps a token of this user for (until they sign out). */
  signedInConnections(userId: string): string[];
  close(): Promise<void>;
}

export interface TokenServiceOptions {
  host: string;
  port?: number;
  directory: DemoDirectory;
  login: LoginEmulator;
  /** When set, the bot must present a token this accepts. */
  verifyBearer?: (token: string) => unknown;
  /** Where to send `signin/verifyState` after a sign-in, and how to reach the bot. */
  botEndpoint?: string;
  connectorUrl: () => string;
  mintChannelToken?: (serviceUrl: string) => string;
  magicCodeTtlMs?: number;
  magicCode?: () => string;
  /** Where every magic code is recorded (the tokens are the login emulator's). */
  issued?: IssuedSecrets;
}

const SIGN_IN_FLOW_TTL_MS = 60 * 60 * 1000;
const DEFAULT_CODE_TTL_MS = 10 * 60 * 1000;
// Bot Service gives up on a bot after about 15 s; so does the sandbox.
const BOT_TIMEOUT_MS = 15_000;
const PROVIDER_DISPLAY_NAME = 'Azure Active Directory v2';

/** The Bot Framework token service (`OAuthUrl`) with its sign-in page and magic codes. */
export async function startTokenService(options: TokenServiceOptions): Promise<TokenServiceEmulator> {
  const flows = new Map<string, SignInFlow>();
  const tokens = new Map<string, StoredToken>();
  const codes = new Map<string, MagicCode>();
  const deliveries: VerifyStateDelivery[] = [];
  const codeTtlMs = options.magicCodeTtlMs ?? DEFAULT_CODE_TTL_MS;
  const key = (channelId: string, userId: string, connectionName: string): string =>
    JSON.stringify([channelId, userId, connectionName]);

  const purgeExpired = (): void => {
    const now = Date.now();
    for (const [id, flow] of flows) if (flow.expiresAt < now) flows.delete(id);
    for (const [code, entry] of codes) if (entry.codeExpiresAt < now) codes.delete(code);
    for (const [k, entry] of tokens) if (entry.expiresAt.getTime() < now) tokens.delete(k);
  };

  const tokenResponse = (channelId: string, connectionName: string, stored: StoredToken): object => ({
    channelId,
    connectionName,
    token: stored.token,
    expiration: stored.expiresAt.toISOString(),
  });

  const api: Record<
    string,
    (req: http.IncomingMessage, res: http.ServerResponse, q: URLSearchParams) => Promise<void>
  > = {
    'GET /api/botsignin/GetSignInResource': async (_req, res, q) => {
      const flow = startFlow(q.get('state'));
      sendJson(res, 200, {
        signInLink: signInLink(flow.id),
        // No token-exchange URL on the connection (Teams SSO cannot reach another tenant): no `uri`.
        tokenExchangeResource: { id: randomUUID(), providerId: PROVIDER_DISPLAY_NAME },
      });
    },
    'GET /api/botsignin/GetSignInUrl': async (_req, res, q) => {
      const link = signInLink(startFlow(q.get('state')).id);
      res.writeHead(200, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': Buffer.byteLength(link),
      });
      res.end(link);
    },
    'GET /api/usertoken/GetToken': async (_req, res, q) => {
      const userId = required(q, 'userId');
      const connectionName = required(q, 'connectionName');
      const channelId = q.get('channelId') ?? '';
      const code = q.get('code');
      if (code) {
        const entry = codes.get(code);
        // A code is good once, for the user and connection it was issued to, and only while fresh.
        if (
          !entry ||
          entry.codeExpiresAt < Date.now() ||
          entry.userId !== userId ||
          entry.connectionName !== connectionName ||
          entry.channelId !== channelId
        ) {
          return sendEmpty(res, 404);
        }
        codes.delete(code);
        const stored: StoredToken = {
          token: entry.token,
          expiresAt: entry.expiresAt,
          account: entry.account,
        };
        tokens.set(key(channelId, userId, connectionName), stored);
        return sendJson(res, 200, tokenResponse(channelId, connectionName, stored));
      }
      const stored = tokens.get(key(channelId, userId, connectionName));
      if (!stored) return sendEmpty(res, 404);
      sendJson(res, 200, tokenResponse(channelId, connectionName, stored));
    },
    'POST /api/usertoken/GetAadTokens': async (req, res, q) => {
      const userId = required(q, 'userId');
      const connectionName = required(q, 'connectionName');
      const channelId = q.get('channelId') ?? '';
      const body = await readJson<{ resourceUrls?: unknown }>(req, 64 * 1024);
      const urls = Array.isArray(body.resourceUrls)
        ? body.resourceUrls.filter((u): u is string => typeof u === 'string')
        : [];
      const stored = tokens.get(key(channelId, userId, connectionName));
      const result: Record<string, object> = {};
      if (stored) {
        for (const url of urls) {
          const minted = options.login.mintUserToken(stored.account, url);
          result[url] = tokenResponse(channelId, connectionName, { ...minted, account: stored.account });
        }
      }
      sendJson(res, 200, result);
    },
    'DELETE /api/usertoken/SignOut': async (_req, res, q) => {
      const userId = required(q, 'userId');
      const connectionName = q.get('connectionName');
      const channelId = q.get('channelId') ?? '';
      for (const k of [...tokens.keys()]) {
        const [c, u, n] = JSON.parse(k) as string[];
        if (c === channelId && u === userId && (!connectionName || n === connectionName)) tokens.delete(k);
      }
      sendJson(res, 200, {});
    },
    'GET /api/usertoken/GetTokenStatus': async (_req, res, q) => {
      const userId = required(q, 'userId');
      const channelId = q.get('channelId') ?? '';
      const include = (q.get('include') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const connections = new Set<string>();
      for (const flow of flows.values())
        if (flow.userId === userId && flow.channelId === channelId) connections.add(flow.connectionName);
      for (const k of tokens.keys()) {
        const [c, u, n] = JSON.parse(k) as string[];
        if (c === channelId && u === userId) connections.add(n);
      }
      const statuses = [...connections]
        .filter((name) => include.length === 0 || include.includes(name))
        .map((connectionName) => ({
          channelId,
          connectionName,
          hasToken: tokens.has(key(channelId, userId, connectionName)),
          serviceProviderDisplayName: PROVIDER_DISPLAY_NAME,
        }));
      sendJson(res, 200, statuses);
    },
    'POST /api/usertoken/exchange': async (req, _res, q) => {
      required(q, 'userId');
      const connectionName = required(q, 'connectionName');
      await readJson<unknown>(req, 64 * 1024);
      // The product's OAuth connection has no token-exchange URL (Teams SSO would sign in to the wrong tenant),
      // so exchange fails as it does in Azure; OAuthPrompt then answers Teams with 412 and the user signs in.
      throw new HttpError(400, {
        error: {
          code: 'ServiceError',
          message: `Token exchange is not configured for connection '${connectionName}' (no token exchange URL).`,
        },
      });
    },
  };

  const startFlow = (encoded: string | null): SignInFlow => {
    purgeExpired();
    let state: TokenExchangeState;
    try {
      state = JSON.parse(Buffer.from(encoded ?? '', 'base64').toString('utf8')) as TokenExchangeState;
    } catch {
      throw new HttpError(400, { error: { code: 'BadArgument', message: 'state is not base64 JSON.' } });
    }
    const userId = state?.conversation?.user?.id;
    if (!state?.connectionName || !userId) {
      throw new HttpError(400, {
        error: { code: 'BadArgument', message: 'state must carry connectionName and conversation.user.id.' },
      });
    }
    const flow: SignInFlow = {
      ...state,
      id: randomUUID(),
      userId,
      channelId: state.conversation.channelId ?? '',
      expiresAt: Date.now() + SIGN_IN_FLOW_TTL_MS,
    };
    flows.set(flow.id, flow);
    return flow;
  };

  const issueCode = (flow: SignInFlow, account: SignInAccount): string => {
    purgeExpired();
    let code: string;
    do code = options.magicCode?.() ?? String(randomInt(0, 1_000_000)).padStart(6, '0');
    while (codes.has(code));
    options.issued?.record('magicCode', code);
    codes.set(code, {
      ...options.login.mintUserToken(account),
      account,
      userId: flow.userId,
      connectionName: flow.connectionName,
      channelId: flow.channelId,
      codeExpiresAt: Date.now() + codeTtlMs,
    });
    return code;
  };

  /** What Teams does once the sign-in window closes: tell the bot, as the user, which code to redeem. */
  const sendVerifyState = async (flow: SignInFlow, code: string): Promise<boolean> => {
    if (!options.botEndpoint) return false;
    const serviceUrl = options.connectorUrl();
    const reference = flow.conversation;
    const teamsUser = options.directory.teams.users.find((u) => u.id === flow.userId);
    const now = new Date();
    const activity = {
      type: 'invoke',
      name: 'signin/verifyState',
      value: { state: code },
      id: randomUUID(),
      timestamp: now.toISOString(),
      localTimestamp: now.toISOString(),
      locale: reference.locale ?? 'en-US',
      channelId: flow.channelId || 'msteams',
      serviceUrl,
      from: {
        ...(reference.user ?? {}),
        id: flow.userId,
        ...(teamsUser ? { name: teamsUser.displayName, aadObjectId: teamsUser.objectId } : {}),
      },
      recipient: reference.bot,
      conversation: reference.conversation,
      channelData: {
        tenant: { id: reference.conversation?.tenantId ?? options.directory.teams.tenantId },
        source: { name: 'message' },
      },
      ...(flow.relatesTo ? { relatesTo: flow.relatesTo } : {}),
    };
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (options.mintChannelToken) headers.Authorization = `Bearer ${options.mintChannelToken(serviceUrl)}`;
    try {
      const response = await fetch(options.botEndpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify(activity),
        signal: AbortSignal.timeout(BOT_TIMEOUT_MS),
      });
      deliveries.push({ userId: flow.userId, status: response.status, body: await response.text() });
      return response.ok;
    } catch (err) {
      deliveries.push({ userId: flow.userId, status: 'failed', body: String(err) });
      return false;
    }
  };

  const pages = async (_req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> => {
    const flow = flows.get(url.searchParams.get('id') ?? '');
    if (!flow || flow.expiresAt < Date.now()) {
      return sendHtml(
        res,
        404,
        renderError(
          'Sign-in link expired',
          'This sign-in link is unknown or has expired. Start again from the chat.',
        ),
      );
    }
    if (url.pathname === '/signin') {
      const accounts = signInAccounts(options.directory);
      const hrefFor = (account: SignInAccount): string =>
        `/signin/choose?id=${encodeURIComponent(flow.id)}&upn=${encodeURIComponent(account.userPrincipalName)}`;
      const purpose = `Sign in to the tenant you want to associate (connection ${flow.connectionName}).`;
      return sendHtml(res, 200, renderAccountChooser({ accounts, hrefFor, purpose }));
    }
    const account = findAccount(options.directory, url.searchParams.get('upn') ?? '');
    if (!account)
      return sendHtml(res, 404, renderError('Unknown account', 'That account is not in the demo directory.'));
    const code = issueCode(flow, account);
    // The flow is spent: a second visit to the same link must not mint another code.
    flows.delete(flow.id);
    const botNotified = await sendVerifyState(flow, code);
    sendHtml(res, 200, renderMagicCode({ code, account, botNotified }));
  };

  const handler: Handler = async (req, res, url) => {
    if (req.method === 'GET' && (url.pathname === '/signin' || url.pathname === '/signin/choose')) {
      return pages(req, res, url);
    }
    const route = api[`${req.method} ${url.pathname}`];
    if (!route)
      throw new HttpError(404, {
        error: { code: 'NotFound', message: `No route for ${req.method} ${url.pathname}.` },
      });
    if (options.verifyBearer) {
      try {
        const token = bearerToken(req);
        if (!token) throw new Error('no token');
        options.verifyBearer(token);
      } catch {
        throw new HttpError(401, {
          error: { code: 'Unauthorized', message: 'Authorization has been denied for this request.' },
        });
      }
    }
    await route(req, res, url.searchParams);
  };

  const running: RunningServer = await serve(handler, options);
  const base = `http://${options.host}:${running.port}`;
  const signInLink = (flowId: string): string => `${base}/signin?id=${encodeURIComponent(flowId)}`;

  return {
    url: base,
    async chooseAccount(link, userPrincipalName) {
      const chooser = await fetch(link);
      const chooserHtml = await chooser.text();
      if (!chooser.ok) throw new Error(`Sign-in page answered ${chooser.status}: ${chooserHtml}`);
      const href = findAccountLink(chooserHtml, userPrincipalName);
      if (!href) throw new Error(`The sign-in page lists no account ${userPrincipalName}.`);
      const chosen = await fetch(new URL(href, link));
      const html = await chosen.text();
      const code = parseMagicCode(html);
      if (!chosen.ok || !code)
        throw new Error(`Choosing ${userPrincipalName} answered ${chosen.status}: ${html}`);
      return code;
    },
    verifyStateDeliveries: () => [...deliveries],
    signedInConnections: (userId) =>
      [...tokens.keys()]
        .map((k) => JSON.parse(k) as string[])
        .filter(([, u]) => u === userId)
        .map(([, , connection]) => connection!),
    close: running.close,
  };
}

function required(q: URLSearchParams, name: string): string {
  const value = q.get(name);
  if (!value) throw new HttpError(400, { error: { code: 'BadArgument', message: `${name} is required.` } });
  return value;
}
