import { createHash, randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Activity, ConversationAccount } from 'botbuilder';
import type { DemoDirectory, TeamsUser } from '../demo/directory';
import {
  holdBack,
  type Handler,
  type HttpFault,
  HttpError,
  readJson,
  retryAfterHeader,
  type RunningServer,
  sendEmpty,
  sendJson,
  serve,
  takeFault,
  bearerToken,
} from './http';

export type ConnectorFault = HttpFault;

/** An activity the bot sent, as the connector holds it now (an update replaces it; a delete removes it). */
export type RecordedActivity = Omit<Partial<Activity>, 'conversation'> & {
  id: string;
  conversation: Partial<ConversationAccount> & { id: string };
};

export interface ConnectorOperation {
  kind: 'create' | 'send' | 'reply' | 'update' | 'delete';
  conversationId: string;
  activityId?: string;
  /** The body as received (for `create`: the ConversationParameters). */
  body?: unknown;
  /** When the connector accepted it (ms since epoch): what rate-limit tests measure. */
  at: number;
}

/** Teams' member shape (TeamsChannelAccount) as the connector returns it. */
export interface TeamsChannelAccount {
  id: string;
  name: string;
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
  userPrincipalName: string;
  tenantId: string;
  userRole: 'user';
}

/** Mutable: how the connector behaves. */
export interface ConnectorSettings {
  /**
   * Enforce Teams' per-conversation send limits (7 per 1 s, 8 per 2 s, 60 per 30 s, 1800 per hour), answering
   * 429 with Retry-After as Teams does. Default on.
   */
  rateLimits: boolean;
}

export interface ConnectorEmulator {
  /** The serviceUrl the bot replies to; ends with '/'. */
  url: string;
  /**
   * Injected failures, consumed by matching requests (see HttpFault). A delay holds the request before the
   * connector acts on it: a caller that gives up meanwhile (a client timeout) has sent nothing.
   */
  faults: ConnectorFault[];
  settings: ConnectorSettings;
  /** Sets a conversation's roster by Teams user ids (`29:...`) or AAD object ids. */
  setMembers(conversationId: string, userIds: string[]): void;
  members(conversationId: string): TeamsChannelAccount[];
  activities(conversationId?: string): RecordedActivity[];
  operations(): ConnectorOperation[];
  /** Sends refused with 429 because a conversation's rate limits were exceeded (not injected faults). */
  throttled(): { conversationId: string; at: number }[];
  /** Resolves with the first activity, already recorded or yet to come, that matches. */
  waitFor(predicate: (activity: RecordedActivity) => boolean, timeoutMs?: number): Promise<RecordedActivity>;
  clear(): void;
  close(): Promise<void>;
}

export interface ConnectorOptions {
  host: string;
  port?: number;
  directory: DemoDirectory;
  /** When set, every call must carry a bearer token this accepts (the login emulator's bot token check). */
  verifyBearer?: (token: string) => unknown;
}

// Teams answers 413 MessageSizeTooBig above about 100 KB, counted as UTF-16.
const MESSAGE_LIMIT_UTF16_BYTES = 100 * 1024;
const BODY_LIMIT_BYTES = 1024 * 1024;
const DEFAULT_PAGE_SIZE = 200;
const MAX_PAGE_SIZE = 500;

/** Teams' limits for one bot sending into one conversation. */
const CONVERSATION_LIMITS = [
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1_800, windowMs: 3_600_000 },
];
const LONGEST_WINDOW_MS = 3_600_000;

/** The Bot Connector (`serviceUrl`) as Teams runs it: sends, replies, updates, deletes, rosters. */
export async function startConnector(options: ConnectorOptions): Promise<ConnectorEmulator> {
  const { directory } = options;
  const faults: ConnectorFault[] = [];
  const settings: ConnectorSettings = { rateLimits: true };
  const sendTimes = new Map<string, number[]>(); // conversation id -> times of accepted sends
  const throttled: { conversationId: string; at: number }[] = [];
  const rosters = new Map<string, string[]>();
  const recorded = new Map<string, RecordedActivity>(); // by activity id, in send order
  const log: ConnectorOperation[] = [];
  const personalChats = new Map<string, string>(); // user id -> conversation id
  const waiters = new Set<{
    predicate: (a: RecordedActivity) => boolean;
    resolve: (a: RecordedActivity) => void;
  }>();
  let lastActivityId = 0;

  const nextActivityId = (): string => {
    // Teams message ids are millisecond timestamps; keep them unique when several land in one ms.
    lastActivityId = Math.max(Date.now(), lastActivityId + 1);
    return String(lastActivityId);
  };

  const findUser = (idOrObjectId: string): TeamsUser | undefined =>
    directory.teams.users.find((u) => u.id === idOrObjectId || u.objectId === idOrObjectId);

  const roster = (conversationId: string): TeamsUser[] => {
    const ids = rosters.get(conversationId);
    if (!ids) return directory.teams.users;
    return ids.map(findUser).filter((u): u is TeamsUser => u !== undefined);
  };

  const toAccount = (user: TeamsUser): TeamsChannelAccount => {
    const [givenName, ...rest] = user.displayName.split(' ');
    return {
      id: user.id,
      name: user.displayName,
      aadObjectId: user.objectId,
      givenName,
      surname: rest.join(' '),
      email: user.userPrincipalName,
      userPrincipalName: user.userPrincipalName,
      tenantId: directory.teams.tenantId,
      userRole: 'user',
    };
  };

  const notify = (activity: RecordedActivity): void => {
    for (const waiter of waiters) {
      if (waiter.predicate(activity)) {
        waiters.delete(waiter);
        waiter.resolve(activity);
      }
    }
  };

  const record = (conversationId: string, body: Partial<Activity>, replyToId?: string): RecordedActivity => {
    const id = nextActivityId();
    const activity: RecordedActivity = {
      ...body,
      id,
      conversation: { ...(body.conversation ?? {}), id: conversationId },
      ...(replyToId ? { replyToId } : {}),
      timestamp: new Date(),
    };
    recorded.set(id, activity);
    notify(activity);
    return activity;
  };

  /** Counts a send into the conversation, or answers 429 with how long until the first window lets one through. */
  const admitSend = (conversationId: string): void => {
    if (!settings.rateLimits) return;
    const now = Date.now();
    const times = (sendTimes.get(conversationId) ?? []).filter((at) => at > now - LONGEST_WINDOW_MS);
    let waitMs = 0;
    for (const { limit, windowMs } of CONVERSATION_LIMITS) {
      const inWindow = times.filter((at) => at > now - windowMs);
      if (inWindow.length >= limit)
        waitMs = Math.max(waitMs, inWindow[inWindow.length - limit] + windowMs - now);
    }
    if (waitMs > 0) {
      sendTimes.set(conversationId, times);
      throttled.push({ conversationId, at: now });
      throw new HttpError(
        429,
        errorBody('TooManyRequests', 'The bot sent too many messages to this conversation; try again later.'),
        { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) },
      );
    }
    times.push(now);
    sendTimes.set(conversationId, times);
  };

  const readActivity = async (req: http.IncomingMessage): Promise<Partial<Activity>> => {
    const body = await readJson<Partial<Activity>>(req, BODY_LIMIT_BYTES);
    if (!body || typeof body !== 'object' || Array.isArray(body) || typeof body.type !== 'string') {
      throw new HttpError(400, errorBody('BadArgument', 'The activity is missing or has no type.'));
    }
    if (JSON.stringify(body).length * 2 > MESSAGE_LIMIT_UTF16_BYTES) {
      throw new HttpError(413, errorBody('MessageSizeTooBig', 'Message size too large.'));
    }
    return body;
  };

  const existing = (conversationId: string, activityId: string): RecordedActivity => {
    const activity = recorded.get(activityId);
    if (!activity || activity.conversation.id !== conversationId) {
      throw new HttpError(
        404,
        errorBody('NotFound', `Activity ${activityId} was not found in the conversation.`),
      );
    }
    return activity;
  };

  const createConversation = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const parameters = await readJson<{
      isGroup?: boolean;
      members?: { id?: string }[];
      activity?: Partial<Activity>;
      topicName?: string;
    }>(req, BODY_LIMIT_BYTES);
    const members = (parameters.members ?? []).map((m) => (m.id ? findUser(m.id) : undefined));
    if (members.length === 0 || members.some((m) => !m)) {
      throw new HttpError(400, errorBody('BadArgument', 'Every member must be a user of the tenant.'));
    }
    const users = members as TeamsUser[];
    let conversationId: string;
    if (parameters.isGroup) {
      conversationId = `19:${randomUUID().replace(/-/g, '')}@thread.v2`;
    } else {
      if (users.length !== 1)
        throw new HttpError(400, errorBody('BadArgument', 'A 1:1 chat has exactly one member.'));
      // Teams hands back the same 1:1 conversation every time for the same user and bot.
      conversationId =
        personalChats.get(users[0].id) ??
        `a:1${createHash('sha256').update(users[0].id).digest('base64url').slice(0, 40)}`;
      personalChats.set(users[0].id, conversationId);
    }
    if (parameters.activity) admitSend(conversationId);
    rosters.set(
      conversationId,
      users.map((u) => u.id),
    );
    log.push({ kind: 'create', conversationId, body: parameters, at: Date.now() });
    let activityId: string | undefined;
    if (parameters.activity) {
      activityId = record(conversationId, parameters.activity).id;
      log.push({ kind: 'send', conversationId, activityId, body: parameters.activity, at: Date.now() });
    }
    sendJson(res, 201, { id: conversationId, ...(activityId ? { activityId } : {}), serviceUrl: base });
  };

  const handler: Handler = async (req, res, url) => {
    if (options.verifyBearer) {
      const token = bearerToken(req);
      try {
        if (!token) throw new Error('no token');
        options.verifyBearer(token);
      } catch {
        throw new HttpError(401, { message: 'Authorization has been denied for this request.' });
      }
    }
    const fault = takeFault(faults, req.method ?? 'GET', url);
    if (fault?.delayMs) {
      await holdBack(req, fault.delayMs);
      // The caller gave up while the request was held back: it never reached the service.
      if (req.socket.destroyed) return;
    }
    if (fault?.status) {
      throw new HttpError(
        fault.status,
        errorBody(fault.code ?? defaultCode(fault.status), fault.message ?? 'Injected by the sandbox.'),
        retryAfterHeader(fault),
      );
    }

    const method = req.method ?? 'GET';
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'v3' || parts[1] !== 'conversations') {
      throw new HttpError(404, errorBody('NotFound', `No route for ${method} ${url.pathname}.`));
    }
    const [, , conversationId, collection, itemId, extra] = parts;

    if (!conversationId) {
      if (method === 'POST') return createConversation(req, res);
      throw new HttpError(405, errorBody('MethodNotAllowed', `${method} is not supported here.`));
    }
    if (collection === 'activities' && !extra) {
      if (method === 'POST' && !itemId) {
        const body = await readActivity(req);
        admitSend(conversationId);
        const activity = record(conversationId, body);
        log.push({ kind: 'send', conversationId, activityId: activity.id, body: activity, at: Date.now() });
        return sendJson(res, 201, { id: activity.id });
      }
      if (method === 'POST' && itemId) {
        const body = await readActivity(req);
        admitSend(conversationId);
        const activity = record(conversationId, body, itemId);
        log.push({ kind: 'reply', conversationId, activityId: activity.id, body: activity, at: Date.now() });
        return sendJson(res, 201, { id: activity.id });
      }
      if (method === 'PUT' && itemId) {
        const previous = existing(conversationId, itemId);
        const body = await readActivity(req);
        const updated: RecordedActivity = {
          ...body,
          id: itemId,
          conversation: { ...(body.conversation ?? {}), id: conversationId },
          ...(previous.replyToId ? { replyToId: previous.replyToId } : {}),
          timestamp: previous.timestamp,
        };
        recorded.set(itemId, updated);
        log.push({ kind: 'update', conversationId, activityId: itemId, body, at: Date.now() });
        notify(updated);
        return sendJson(res, 200, { id: itemId });
      }
      if (method === 'DELETE' && itemId) {
        existing(conversationId, itemId);
        recorded.delete(itemId);
        log.push({ kind: 'delete', conversationId, activityId: itemId, at: Date.now() });
        return sendEmpty(res, 200);
      }
    }
    if (collection === 'members' && method === 'GET' && !extra) {
      const members = roster(conversationId);
      if (!itemId) return sendJson(res, 200, members.map(toAccount));
      const member = members.find((m) => m.id === itemId || m.objectId === itemId);
      if (!member) {
        throw new HttpError(
          404,
          errorBody('MemberNotFoundInConversation', 'The member could not be found in the conversation.'),
        );
      }
      return sendJson(res, 200, toAccount(member));
    }
    if (collection === 'pagedmembers' && method === 'GET' && !itemId) {
      const members = roster(conversationId);
      const requested = Number(url.searchParams.get('pageSize') ?? DEFAULT_PAGE_SIZE);
      const pageSize =
        Number.isInteger(requested) && requested > 0 ? Math.min(requested, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
      const start = decodeContinuation(url.searchParams.get('continuationToken'));
      const page = members.slice(start, start + pageSize);
      const next = start + pageSize < members.length ? encodeContinuation(start + pageSize) : undefined;
      return sendJson(res, 200, {
        ...(next ? { continuationToken: next } : {}),
        members: page.map(toAccount),
      });
    }
    throw new HttpError(404, errorBody('NotFound', `No route for ${method} ${url.pathname}.`));
  };

  const running: RunningServer = await serve(handler, options);
  const base = `http://${options.host}:${running.port}/`;

  return {
    url: base,
    faults,
    settings,
    setMembers(conversationId, userIds) {
      rosters.set(conversationId, [...userIds]);
    },
    members: (conversationId) => roster(conversationId).map(toAccount),
    activities(conversationId) {
      const all = [...recorded.values()];
      return conversationId ? all.filter((a) => a.conversation.id === conversationId) : all;
    },
    operations: () => [...log],
    throttled: () => [...throttled],
    waitFor(predicate, timeoutMs = 5000) {
      const found = [...recorded.values()].find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (a: RecordedActivity) => {
            clearTimeout(timer);
            resolve(a);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = [...recorded.values()].map(
            (a) => `${a.type}:${a.text ?? a.attachments?.[0]?.contentType ?? ''}`,
          );
          reject(new Error(`No matching activity within ${timeoutMs} ms; recorded: ${JSON.stringify(seen)}`));
        }, timeoutMs);
        // A forgotten waitFor must not keep the process (or a jest worker) alive.
        timer.unref();
        waiters.add(waiter);
      });
    },
    clear() {
      recorded.clear();
      log.length = 0;
      rosters.clear();
      personalChats.clear();
      sendTimes.clear();
      throttled.length = 0;
      faults.length = 0;
    },
    close: running.close,
  };
}

function errorBody(code: string, message: string): object {
  return { error: { code, message } };
}

function defaultCode(status: number): string {
  const codes: Record<number, string> = {
    400: 'BadArgument',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    412: 'PreconditionFailed',
    429: 'TooManyRequests',
    500: 'InternalServerError',
    502: 'BadGateway',
    503: 'ServiceUnavailable',
    504: 'GatewayTimeout',
  };
  return codes[status] ?? 'ServiceError';
}

function encodeContinuation(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeContinuation(token: string | null): number {
  if (!token) return 0;
  try {
    const offset = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown }).o;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw new HttpError(400, errorBody('BadArgument', 'Invalid continuation token.'));
}
