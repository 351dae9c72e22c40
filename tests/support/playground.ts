/**
 * A test driver for the Microsoft 365 Agents Playground (0.2.28): starts it against a bot endpoint,
 * speaks to the bot as a Teams user through the Playground's own HTTP API, and follows everything the
 * bot posts or edits through the Playground's WebSocket. No browser involved.
 *
 *   const pg = await Playground.start({ botEndpoint: 'http://127.0.0.1:PORT/api/messages' });
 *   const { personal, group } = pg.conversations();
 *   const sent = await pg.send(personal, 'help');
 *   const reply = await pg.waitForReply(sent);                 // the bot's next message there
 *   const card = await pg.waitFor((m) => hasCard(m), { after: sent, description: 'a card' });
 *   await pg.execute(card, 'approve', { as: 'lidia@adatum.example' });  // Action.Execute as Lidia
 *   await pg.stop();
 *
 * Facts it relies on (read from the Playground's bundle and observed):
 * - Typed messages reach the bot from the config's current user only (`from` in the request must merely be a
 *   member); to type as someone else, start another Playground with `as`. Card actions (invoke, submit) are
 *   sent as whichever member of the conversation the request names: `{ as }` on `invoke`/`execute`/`submit`.
 * - In the group chat and channels the bot only receives messages that @mention it; `send` adds the mention.
 * - Posting to a channel starts a thread whose conversation id is `<channel id>;messageid=<message id>`; the
 *   bot replies there, and further messages to that id are replies in the thread.
 * - The WebSocket carries only what the bot sends (createMessage / updateMessage / typing), not the user's
 *   own messages. An Action.Execute invoke response that carries a card replaces the card in the Playground
 *   (as Teams does) without a WebSocket event; `execute`/`invoke` apply that here as a `refreshed` event.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import {
  DEFAULT_BOT_ENDPOINT,
  committedConfigPath,
  configuredCurrentUserId,
  launchPlayground,
  waitUntilReady,
  writeConfigAs,
  type PlaygroundProcess,
} from '../../scripts/playground';
import { freePort } from './freePort';

// ---------------------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------------------

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface PlaygroundStartOptions {
  /** The bot's messaging endpoint, e.g. `http://127.0.0.1:3978/api/messages`. */
  botEndpoint?: string;
  /**
   * Who the Playground speaks as: a fixture user's UPN, display name or Teams id. Default: the committed
   * config's current user (Nestor Wilke, a Manager).
   */
  as?: string;
  /** The Playground's port; default a free one. */
  port?: number;
  /** How long to wait for it to come up (default 30 s). */
  startTimeoutMs?: number;
  /** Receives every line the Playground logs (default: kept for error messages only). */
  onOutput?: (line: string) => void;
}

/** A Teams user as the Playground's config describes them. */
export interface PlaygroundUser {
  /** Teams user id: the bot's `activity.from.id`. */
  id: string;
  name: string;
  /** The config field is spelled `userPrincipleName`. */
  userPrincipalName: string;
  /** Entra object id: the bot's `activity.from.aadObjectId`. */
  aadObjectId: string;
  givenName?: string;
  surname?: string;
  email?: string;
}

export interface PlaygroundConversations {
  /** The current user's 1:1 chat with the bot (`conversationType: personal`). */
  personal: string;
  /** The group chat (`conversationType: groupChat`): the current user and the five others. */
  group: string;
  /** The team's extra channel ("Partner Center"; `conversationType: channel`). */
  channel: string;
  /** The team's General channel; its id is the team id. */
  general: string;
  /** The team id (`channelData.team.id`). */
  team: string;
}

export interface Attachment {
  contentType: string;
  content?: JsonValue;
}

/** A message the bot posted, in its latest version. */
export interface PlaygroundMessage {
  /** The conversation it lives in: for a channel, the thread (`<channel>;messageid=<root id>`). */
  conversationId: string;
  /** The id the connector gave it (what `updateActivity` targets and an invoke's `replyToId` names). */
  messageId: string;
  from: { id: string };
  text?: string;
  textFormat?: string;
  attachments: Attachment[];
  attachmentLayout?: string;
  mentions: JsonValue[];
  suggestedActions?: JsonValue;
  /** Milliseconds since the epoch of the latest change. */
  timestamp: number;
  /** 1 when posted, +1 for each update or card refresh. */
  version: number;
  /** The harness sequence number of the latest change. */
  seq: number;
}

export type PlaygroundEventKind = 'created' | 'updated' | 'refreshed';

/** One change seen: `created`/`updated` came over the WebSocket; `refreshed` from an invoke response card. */
export interface PlaygroundEvent {
  seq: number;
  kind: PlaygroundEventKind;
  conversationId: string;
  /** The message as it stood right after this event. */
  message: PlaygroundMessage;
}

/** What the Playground returns for an `adaptiveCard/action` invoke: the bot's body less `statusCode`. */
export interface InvokeResponseBody {
  /** `application/vnd.microsoft.card.adaptive`, `application/vnd.microsoft.activity.message`, `application/vnd.microsoft.error`. */
  type?: string;
  value?: JsonValue;
  [key: string]: JsonValue | undefined;
}

export type InvokeName =
  | 'adaptiveCard/action'
  | 'message/submitAction'
  | 'composeExtension/query'
  | 'composeExtension/fetchTask'
  | 'composeExtension/queryLink'
  | 'composeExtension/anonymousQueryLink'
  | 'composeExtension/submitAction';

export interface SentMessage {
  messageId: string;
  /** Where the bot will answer: the chat, or for a channel post the new thread's id. */
  conversationId: string;
  timestamp: number;
  /** The harness sequence number when it was sent: pass the message as `after` to wait for what follows. */
  seq: number;
}

export interface WaitOptions {
  /** Default 10 s. */
  timeoutMs?: number;
  /** Only consider changes after this point (a sequence number, a sent message or a seen message). */
  after?: number | { seq: number };
  /** Named in the timeout error; default the predicate's source. */
  description?: string;
  /** The conversation awaited: its messages are listed first in the timeout error. */
  conversationId?: string;
}

/** An entry of the Playground's own log stream: its exchanges with the bot and its warnings. */
export interface PlaygroundLogItem {
  id: string;
  type: 'bot' | 'text';
  timestamp: number;
  conversationId?: string;
  level?: string;
  displayText?: string;
  activityName?: string;
  messageId?: string;
  /** "Microsoft 365 Agents Playground" or "User Application" (the bot). */
  from?: string;
  to?: string;
  request?: { body?: JsonValue };
  response?: { statusCode?: number; body?: JsonValue };
}

/** A minimal view of an Adaptive Card, for finding actions. */
export interface AdaptiveCard {
  type: string;
  body?: JsonValue[];
  actions?: JsonValue[];
  [key: string]: JsonValue | undefined;
}

export class PlaygroundError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'PlaygroundError';
  }
}

interface TestConfig {
  config: {
    tenantId: string;
    bot: { id: string; name: string };
    currentUser: RawUser;
    users: RawUser[];
    personalChat: { id: string };
    groupChats: { id: string; name: string }[];
    teams: { id: string; name: string; channels: { id: string; name: string }[] }[];
  };
}

interface RawUser {
  id: string;
  name: string;
  userPrincipleName: string;
  aadObjectId: string;
  givenName?: string;
  surname?: string;
  email?: string;
}

interface WsMessage {
  messageId: string;
  timestamp: number;
  from: { id: string };
  text?: string;
  textFormat?: string;
  attachments?: Attachment[];
  attachmentLayout?: string;
  mentions?: JsonValue[];
  suggestedActions?: JsonValue;
  postConversationId?: string;
}

type WsAction =
  | { action: 'createMessage' | 'updateMessage'; actionConversationId: string; message: WsMessage }
  | { action: 'typing'; actionConversationId: string };

interface Waiter {
  test(event: PlaygroundEvent): boolean;
  resolve(message: PlaygroundMessage): void;
  reject(error: Error): void;
}

const CARD = 'application/vnd.microsoft.card.adaptive';

// ---------------------------------------------------------------------------------------------------------
// The driver
// ---------------------------------------------------------------------------------------------------------

export class Playground {
  /** `http://127.0.0.1:PORT`: the Playground's API. */
  readonly url: string;
  /** The web UI (open it to watch a test: it shares the same conversations). */
  readonly webUiUrl: string;
  readonly tenantId: string;
  readonly bot: { id: string; name: string };
  /** The person typed messages come from. */
  readonly currentUser: PlaygroundUser;

  private readonly byId = new Map<string, PlaygroundMessage>();
  private readonly history: PlaygroundEvent[] = [];
  private readonly logItems: PlaygroundLogItem[] = [];
  private readonly waiters = new Set<Waiter>();
  private sequence = 0;
  private typing = 0;
  private stopped = false;
  private failure: Error | undefined;
  private readonly users: PlaygroundUser[];
  private readonly conversationIds: PlaygroundConversations;

  private constructor(
    readonly port: number,
    private readonly proc: PlaygroundProcess,
    private readonly workDir: string,
    config: TestConfig['config'],
    private readonly sockets: { conversation: WebSocket; log: WebSocket },
    private readonly exitGuard: () => void,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.webUiUrl = `http://localhost:${port}`;
    this.tenantId = config.tenantId;
    this.bot = { id: config.bot.id, name: config.bot.name };
    this.currentUser = toUser(config.currentUser);
    this.users = [this.currentUser, ...config.users.map(toUser)];
    const team = config.teams[0];
    const group = config.groupChats[0];
    if (!team || !group) throw new PlaygroundError('The Playground config has no group chat or no team');
    const channel = team.channels.find((c) => c.id !== team.id) ?? team.channels[0];
    this.conversationIds = {
      personal: config.personalChat.id,
      group: group.id,
      channel: channel?.id ?? team.id,
      general: team.id,
      team: team.id,
    };
    sockets.conversation.on('message', (data) => this.onConversationFrame(String(data)));
    sockets.log.on('message', (data) => this.onLogFrame(String(data)));
    for (const socket of [sockets.conversation, sockets.log]) {
      socket.on('close', () => {
        if (!this.stopped) this.fail(new PlaygroundError('The Playground closed its WebSocket'));
      });
      socket.on('error', () => undefined);
    }
    void proc.exited.then(({ code, signal }) => {
      if (!this.stopped)
        this.fail(new PlaygroundError(`The Playground exited (code ${code}, signal ${signal})`));
    });
  }

  /** Starts a Playground, waits until it answers and its WebSockets are open. */
  static async start(options: PlaygroundStartOptions = {}): Promise<Playground> {
    const botEndpoint = options.botEndpoint ?? DEFAULT_BOT_ENDPOINT;
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    const workDir = mkdtempSync(join(tmpdir(), 'pc-playground-test-'));
    let proc: PlaygroundProcess | undefined;
    const sockets: WebSocket[] = [];
    const exitGuard = (): void => {
      if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
    };
    process.once('exit', exitGuard);
    try {
      const { path: configPath, expectedUserId } = options.as
        ? (() => {
            const written = writeConfigAs(options.as, workDir);
            return { path: written.path, expectedUserId: written.user.id };
          })()
        : {
            path: committedConfigPath(),
            expectedUserId: configuredCurrentUserId(readFileSync(committedConfigPath(), 'utf8')),
          };
      proc = launchPlayground({
        botEndpoint,
        configPath,
        port: options.port ?? (await freePort()),
        logFile: join(workDir, 'playground.log'),
        cwd: workDir,
        openBrowser: false,
        onLogLine: options.onOutput,
      });
      const started = proc;
      const port = await withTimeout(started.listening, timeoutMs, 'the Playground to listen');
      const url = `http://127.0.0.1:${port}`;
      await waitUntilReady(url, started, timeoutMs);
      const testConfig = await requestJson<TestConfig>(url, 'GET', '/_internal/v1/testConfig');
      const config = testConfig.config;
      if (expectedUserId && config.currentUser.id !== expectedUserId) {
        throw new PlaygroundError(
          `The Playground speaks as ${config.currentUser.id}, not ${expectedUserId}: it did not load ${configPath}`,
        );
      }
      const conversation = await openSocket(
        `ws://127.0.0.1:${port}/_ws_conversation/v1/conversations/stream`,
      );
      sockets.push(conversation);
      const log = await openSocket(`ws://127.0.0.1:${port}/_ws/log/stream`);
      sockets.push(log);
      return new Playground(port, started, workDir, config, { conversation, log }, exitGuard);
    } catch (error) {
      const tail = proc?.tail(15) ?? [];
      for (const socket of sockets) socket.terminate();
      await proc?.stop();
      process.removeListener('exit', exitGuard);
      rmSync(workDir, { recursive: true, force: true });
      throw new PlaygroundError(
        `Could not start the Playground against ${botEndpoint}: ${errorText(error)}` +
          (tail.length ? `\nIts last output:\n  ${tail.join('\n  ')}` : ''),
      );
    }
  }

  /** Closes the sockets, stops the Playground process and removes its temp files. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.fail(new PlaygroundError('The Playground was stopped'));
    this.sockets.conversation.terminate();
    this.sockets.log.terminate();
    await this.proc.stop();
    process.removeListener('exit', this.exitGuard);
    rmSync(this.workDir, { recursive: true, force: true });
  }

  // ----- who and where --------------------------------------------------------------------------------------

  conversations(): PlaygroundConversations {
    return { ...this.conversationIds };
  }

  /** Everyone in the config, the current user first. */
  members(): PlaygroundUser[] {
    return this.users.map((u) => ({ ...u }));
  }

  /** A member by UPN, display name, first name, Teams id or object id. */
  user(query: string): PlaygroundUser {
    const q = query.trim().toLowerCase();
    const found = this.users.find((u) =>
      [
        u.id,
        u.aadObjectId,
        u.userPrincipalName,
        u.name,
        u.name.split(' ')[0] ?? '',
        u.userPrincipalName.split('@')[0] ?? '',
      ]
        .map((k) => k.toLowerCase())
        .includes(q),
    );
    if (!found) {
      throw new PlaygroundError(
        `No Playground member matches "${query}"; members: ${this.users.map((u) => u.userPrincipalName).join(', ')}`,
      );
    }
    return { ...found };
  }

  // ----- acting --------------------------------------------------------------------------------------------

  /**
   * Types `text` into a conversation as the current user. In the group chat and channels the bot is
   * @mentioned first (`<at>Bot</at> text`) unless `mentionBot: false`, since it hears nothing else there.
   */
  async send(
    conversationId: string,
    text: string,
    options: { mentionBot?: boolean } = {},
  ): Promise<SentMessage> {
    const personal = conversationId === this.conversationIds.personal;
    const mention = options.mentionBot ?? !personal;
    const at = `<at>${this.bot.name}</at>`;
    const body: JsonObject = {
      text: mention ? `${at} ${text}` : text,
      textFormat: 'plain',
      from: { id: this.currentUser.id },
      ...(mention ? { mentions: [{ mentioned: { id: this.bot.id, name: this.bot.name }, text: at }] } : {}),
    };
    const seq = this.sequence;
    const res = await this.request<{ messageId: string; timestamp: number; postConversationId?: string }>(
      'POST',
      `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
      body,
      `send "${text}" to ${this.describeConversation(conversationId)}`,
    );
    return {
      messageId: res.messageId,
      conversationId: res.postConversationId ?? conversationId,
      timestamp: res.timestamp,
      seq,
    };
  }

  /**
   * Sends an invoke activity (default `adaptiveCard/action`) about message `replyToId` and returns the bot's
   * invoke response body as the Playground passes it on (`{ type, value }`; `statusCode` is dropped).
   * `as`: the member clicking (default the current user). A returned card replaces the message's card.
   */
  async invoke(
    conversationId: string,
    replyToId: string,
    value: JsonObject | string,
    options: { as?: string; name?: InvokeName } = {},
  ): Promise<InvokeResponseBody> {
    const name = options.name ?? 'adaptiveCard/action';
    const from = options.as ? this.user(options.as) : this.currentUser;
    const body: JsonObject = { name, value, from: { id: from.id }, conversation: { id: conversationId } };
    if (name === 'adaptiveCard/action') body.replyToId = replyToId;
    const response = await this.request<InvokeResponseBody | ''>(
      'POST',
      '/_conversation/v1/invoke',
      body,
      `invoke ${name} on message ${replyToId} in ${this.describeConversation(conversationId)} as ${from.name}`,
    );
    const result: InvokeResponseBody = typeof response === 'object' && response !== null ? response : {};
    if (name === 'adaptiveCard/action' && result.type === CARD && isObject(result.value)) {
      this.refreshCard(replyToId, result.value);
    }
    return result;
  }

  /**
   * Clicks the `Action.Execute` with this verb (or title) on a message's card, as the Playground's UI does:
   * `value = { action: { type: 'Action.Execute', title, verb, data } }`, where `data` is the action's data
   * merged with `inputs` (the card's input values, by input id).
   */
  async execute(
    message: PlaygroundMessage,
    verb: string,
    options: { inputs?: JsonObject; as?: string } = {},
  ): Promise<InvokeResponseBody> {
    const action = findCardAction(message, 'Action.Execute', verb);
    const data = { ...(isObject(action.data) ? action.data : {}), ...(options.inputs ?? {}) };
    const value: JsonObject = {
      action: {
        type: 'Action.Execute',
        ...(typeof action.title === 'string' ? { title: action.title } : {}),
        verb: typeof action.verb === 'string' ? action.verb : verb,
        data,
      },
    };
    return this.invoke(message.conversationId, message.messageId, value, { as: options.as });
  }

  /** An `Action.Submit` click: the bot gets a message activity with `value` and `replyToId`. */
  async submit(
    conversationId: string,
    replyToId: string,
    value: JsonObject,
    options: { as?: string } = {},
  ): Promise<void> {
    const from = options.as ? this.user(options.as) : this.currentUser;
    await this.request(
      'POST',
      '/_conversation/v1/submit',
      { conversation: { id: conversationId }, replyToId, value, from: { id: from.id } },
      `submit on message ${replyToId} in ${this.describeConversation(conversationId)} as ${from.name}`,
    );
  }

  /** Clicks the `Action.Submit` with this title on a message's card (its data merged with `inputs`). */
  async submitAction(
    message: PlaygroundMessage,
    title: string,
    options: { inputs?: JsonObject; as?: string } = {},
  ): Promise<void> {
    const action = findCardAction(message, 'Action.Submit', title);
    const value = { ...(isObject(action.data) ? action.data : {}), ...(options.inputs ?? {}) };
    await this.submit(message.conversationId, message.messageId, value, { as: options.as });
  }

  /**
   * What opening a conversation in the web UI does: an `installationUpdate` (action `add`, personal chat,
   * group chat and channels) then a `conversationUpdate` with `membersAdded`.
   */
  async install(conversationId: string): Promise<void> {
    await this.request(
      'POST',
      `/_debug/conversation/${encodeURIComponent(conversationId)}/installation`,
      {},
      `install the bot in ${this.describeConversation(conversationId)}`,
    );
  }

  // ----- watching ------------------------------------------------------------------------------------------

  /**
   * The latest version of each message the bot posted, oldest first. A channel id also covers its threads;
   * no argument means every conversation.
   */
  messages(conversationId?: string): PlaygroundMessage[] {
    return [...this.byId.values()]
      .filter((m) => conversationId === undefined || inConversation(m.conversationId, conversationId))
      .sort((a, b) => firstSeq(this.history, a) - firstSeq(this.history, b))
      .map(copy);
  }

  /** Every change seen, in order. */
  events(): PlaygroundEvent[] {
    return this.history.map((e) => ({ ...e, message: copy(e.message) }));
  }

  /** The Playground's log: each activity it sent the bot with the bot's status, each connector call, warnings. */
  log(): PlaygroundLogItem[] {
    return [...this.logItems];
  }

  /** The current sequence number: pass it as `after` to ignore everything seen so far. */
  mark(): number {
    return this.sequence;
  }

  /**
   * Resolves with the first message version, created or changed after `after` (default: since the start),
   * that satisfies `predicate`; looks at what has already arrived first. Rejects after `timeoutMs` with what
   * was awaited and the last few messages and Playground log entries seen.
   */
  waitFor(
    predicate: (message: PlaygroundMessage, event: PlaygroundEvent) => boolean,
    options: number | WaitOptions = {},
  ): Promise<PlaygroundMessage> {
    const opts: WaitOptions = typeof options === 'number' ? { timeoutMs: options } : options;
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const after = typeof opts.after === 'number' ? opts.after : (opts.after?.seq ?? 0);
    const description = opts.description ?? `a bot message matching ${predicate.toString().slice(0, 200)}`;
    const test = (event: PlaygroundEvent): boolean =>
      event.seq > after && predicate(copy(event.message), event);
    const already = this.history.find(test);
    if (already) return Promise.resolve(copy(already.message));
    if (this.failure) {
      return Promise.reject(this.explain(this.failure.message, description, after, opts.conversationId));
    }
    return new Promise<PlaygroundMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(this.explain(`Timed out after ${timeoutMs} ms`, description, after, opts.conversationId));
      }, timeoutMs);
      const waiter: Waiter = {
        test,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(this.explain(error.message, description, after, opts.conversationId));
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** The bot's next new message in the conversation (or thread) `sent` went to. */
  waitForReply(
    sent: SentMessage,
    options: { timeoutMs?: number; where?: (message: PlaygroundMessage) => boolean } = {},
  ): Promise<PlaygroundMessage> {
    return this.waitFor(
      (m, e) =>
        e.kind === 'created' && m.conversationId === sent.conversationId && (options.where?.(m) ?? true),
      {
        timeoutMs: options.timeoutMs,
        after: sent,
        conversationId: sent.conversationId,
        description: `the bot's reply in ${this.describeConversation(sent.conversationId)} to message ${sent.messageId}`,
      },
    );
  }

  /** The next change (update or card refresh) to this message. */
  waitForUpdate(
    message: Pick<PlaygroundMessage, 'messageId' | 'seq' | 'conversationId'>,
    options: { timeoutMs?: number; where?: (message: PlaygroundMessage) => boolean } = {},
  ): Promise<PlaygroundMessage> {
    return this.waitFor(
      (m, e) => e.kind !== 'created' && m.messageId === message.messageId && (options.where?.(m) ?? true),
      {
        timeoutMs: options.timeoutMs,
        after: message,
        conversationId: message.conversationId,
        description: `an update to message ${message.messageId}`,
      },
    );
  }

  // ----- internals -----------------------------------------------------------------------------------------

  private onConversationFrame(raw: string): void {
    let frame: WsAction;
    try {
      frame = JSON.parse(raw) as WsAction;
    } catch {
      return;
    }
    if (frame.action === 'typing') {
      this.typing++;
      return;
    }
    if (frame.action !== 'createMessage' && frame.action !== 'updateMessage') return;
    const incoming = frame.message;
    const existing = this.byId.get(incoming.messageId);
    const conversationId =
      existing?.conversationId ?? incoming.postConversationId ?? frame.actionConversationId;
    const message: PlaygroundMessage = {
      conversationId,
      messageId: incoming.messageId,
      from: { id: incoming.from.id },
      ...(incoming.text !== undefined ? { text: incoming.text } : {}),
      ...(incoming.textFormat !== undefined ? { textFormat: incoming.textFormat } : {}),
      attachments: incoming.attachments ?? [],
      ...(incoming.attachmentLayout !== undefined ? { attachmentLayout: incoming.attachmentLayout } : {}),
      mentions: incoming.mentions ?? [],
      ...(incoming.suggestedActions !== undefined ? { suggestedActions: incoming.suggestedActions } : {}),
      timestamp: incoming.timestamp,
      version: (existing?.version ?? 0) + 1,
      seq: 0,
    };
    this.record(frame.action === 'createMessage' && !existing ? 'created' : 'updated', message);
  }

  private refreshCard(messageId: string, card: JsonObject): void {
    const existing = this.byId.get(messageId);
    if (!existing || existing.attachments.length !== 1) return;
    const [attachment] = existing.attachments;
    this.record('refreshed', {
      ...existing,
      attachments: [{ contentType: attachment?.contentType ?? CARD, content: card }],
      timestamp: Date.now(),
      version: existing.version + 1,
    });
  }

  private record(kind: PlaygroundEventKind, message: PlaygroundMessage): void {
    const seq = ++this.sequence;
    const stored = { ...message, seq };
    this.byId.set(stored.messageId, stored);
    const event: PlaygroundEvent = { seq, kind, conversationId: stored.conversationId, message: stored };
    this.history.push(event);
    for (const waiter of [...this.waiters]) {
      let matched = false;
      try {
        matched = waiter.test(event);
      } catch (error) {
        this.waiters.delete(waiter);
        waiter.reject(new PlaygroundError(`The predicate threw: ${errorText(error)}`));
        continue;
      }
      if (matched) {
        this.waiters.delete(waiter);
        waiter.resolve(copy(stored));
      }
    }
  }

  private onLogFrame(raw: string): void {
    try {
      const frame = JSON.parse(raw) as { logAction?: string; log?: PlaygroundLogItem };
      if (frame.logAction === 'appendLog' && frame.log) {
        this.logItems.push(frame.log);
        if (this.logItems.length > 500) this.logItems.shift();
      }
    } catch {
      // not a log frame
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of [...this.waiters]) {
      this.waiters.delete(waiter);
      waiter.reject(error);
    }
  }

  private explain(
    reason: string,
    description: string,
    after: number,
    conversationId?: string,
  ): PlaygroundError {
    const there = conversationId
      ? this.history.filter((e) => inConversation(e.conversationId, conversationId)).slice(-4)
      : [];
    const recent = [...new Set([...there, ...this.history.slice(-4)])]
      .sort((a, b) => a.seq - b.seq)
      .map((e) => `  ${describeEvent(e, after)}`);
    const log = this.logItems.slice(-6).map((item) => `  ${describeLogItem(item)}`);
    const output = this.failure ? this.proc.tail(10).map((l) => `  ${l}`) : [];
    return new PlaygroundError(
      [
        `${reason} waiting for ${description}.`,
        recent.length
          ? `Last bot messages seen (newest last; [seq] > ${after} counted):`
          : 'No bot message seen at all.',
        ...recent,
        ...(this.typing ? [`  (${this.typing} typing indicator(s))`] : []),
        ...(log.length ? ['Playground log (newest last):', ...log] : []),
        ...(output.length ? ['Playground output:', ...output] : []),
      ].join('\n'),
    );
  }

  private describeConversation(id: string): string {
    const c = this.conversationIds;
    const names: [string, string][] = [
      [c.personal, 'the personal chat'],
      [c.group, 'the group chat'],
      [c.channel, 'the channel'],
      [c.general, 'the General channel'],
    ];
    const exact = names.find(([cid]) => cid === id);
    if (exact) return `${exact[1]} (${id})`;
    const thread = names.find(([cid]) => id.startsWith(`${cid};messageid=`));
    return thread ? `a thread of ${thread[1]} (${id})` : id;
  }

  private async request<T>(
    method: string,
    path: string,
    body: JsonObject | undefined,
    what: string,
  ): Promise<T> {
    if (this.stopped) throw new PlaygroundError(`Cannot ${what}: the Playground was stopped`);
    if (this.failure) throw new PlaygroundError(`Cannot ${what}: ${this.failure.message}`);
    try {
      return await requestJson<T>(this.url, method, path, body);
    } catch (error) {
      const status = error instanceof PlaygroundError ? error.status : undefined;
      const code = error instanceof PlaygroundError ? error.code : undefined;
      const hint =
        code === 'ConversationNotFound'
          ? ` Conversations: ${JSON.stringify(this.conversationIds)}.`
          : code === 'UserNotFound'
            ? ' That user is not a member of this conversation (the personal chat has only the current user).'
            : code === 'ActivityNotFoundInConversation'
              ? ' replyToId must be the id of a message in that conversation (a channel card lives in its thread).'
              : code === 'UserBotError'
                ? ` The bot failed or is unreachable; recent Playground log:\n  ${this.logItems
                    .slice(-4)
                    .map(describeLogItem)
                    .join('\n  ')}`
                : '';
      throw new PlaygroundError(`Could not ${what}: ${errorText(error)}.${hint}`, status, code);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Card helpers
// ---------------------------------------------------------------------------------------------------------

/** The Adaptive Card of a message (its first card attachment), if any. */
export function cardOf(message: PlaygroundMessage): AdaptiveCard | undefined {
  const attachment = message.attachments.find((a) => a.contentType === CARD);
  const content = attachment?.content;
  return isObject(content) && typeof content.type === 'string' ? (content as AdaptiveCard) : undefined;
}

/** Everything a person could read in a message: its text and every text/title/value string of its cards. */
export function textOf(message: PlaygroundMessage): string {
  const parts: string[] = message.text ? [message.text] : [];
  const walk = (node: JsonValue | undefined): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (
          typeof value === 'string' &&
          ['text', 'title', 'value', 'label', 'placeholder', 'altText'].includes(key)
        ) {
          parts.push(value);
        } else walk(value);
      }
    }
  };
  message.attachments.forEach((a) => walk(a.content));
  return parts.join('\n');
}

/** Every action on a message's cards, including those in ActionSets and Action.ShowCard cards. */
export function cardActions(message: PlaygroundMessage): JsonObject[] {
  const found: JsonObject[] = [];
  const walk = (node: JsonValue | undefined): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (isObject(node)) {
      if (typeof node.type === 'string' && node.type.startsWith('Action.')) found.push(node);
      Object.values(node).forEach(walk);
    }
  };
  message.attachments.forEach((a) => walk(a.content));
  return found;
}

function findCardAction(message: PlaygroundMessage, type: string, verbOrTitle: string): JsonObject {
  const actions = cardActions(message).filter((a) => a.type === type);
  const action = actions.find((a) => a.verb === verbOrTitle) ?? actions.find((a) => a.title === verbOrTitle);
  if (!action) {
    const known = actions.map((a) => `${String(a.verb ?? '')}${a.title ? ` "${String(a.title)}"` : ''}`);
    throw new PlaygroundError(
      `Message ${message.messageId} has no ${type} "${verbOrTitle}"` +
        (known.length ? `; it has: ${known.join(', ')}` : `; it has no ${type} at all`) +
        ` (text: ${JSON.stringify(textOf(message).slice(0, 200))})`,
    );
  }
  return action;
}

// ---------------------------------------------------------------------------------------------------------
// Plumbing
// ---------------------------------------------------------------------------------------------------------

async function requestJson<T>(base: string, method: string, path: string, body?: JsonObject): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new PlaygroundError(`${method} ${path} failed: ${errorText(error)}`);
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : '';
  } catch {
    // plain text
  }
  if (!res.ok) {
    const err = isObject(parsed as JsonValue) ? (parsed as JsonObject) : {};
    const inner = isObject(err.error) ? err.error : err;
    const code = typeof inner.code === 'string' ? inner.code : undefined;
    const detail = typeof inner.message === 'string' ? inner.message : text.slice(0, 300);
    throw new PlaygroundError(
      `${method} ${path} → ${res.status} ${code ?? ''} ${detail}`.trim(),
      res.status,
      code,
    );
  }
  return parsed as T;
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new PlaygroundError(`WebSocket ${url} did not open`));
    }, 10_000);
    socket.once('open', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(new PlaygroundError(`WebSocket ${url}: ${error.message}`));
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new PlaygroundError(`Timed out after ${ms} ms waiting for ${what}`)),
      ms,
    );
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function toUser(raw: RawUser): PlaygroundUser {
  return {
    id: raw.id,
    name: raw.name,
    userPrincipalName: raw.userPrincipleName,
    aadObjectId: raw.aadObjectId,
    ...(raw.givenName ? { givenName: raw.givenName } : {}),
    ...(raw.surname ? { surname: raw.surname } : {}),
    ...(raw.email ? { email: raw.email } : {}),
  };
}

function inConversation(messageConversation: string, wanted: string): boolean {
  return messageConversation === wanted || messageConversation.startsWith(`${wanted};messageid=`);
}

function firstSeq(history: PlaygroundEvent[], message: PlaygroundMessage): number {
  return history.find((e) => e.message.messageId === message.messageId)?.seq ?? message.seq;
}

function copy(message: PlaygroundMessage): PlaygroundMessage {
  return structuredClone(message);
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeEvent(event: PlaygroundEvent, after: number): string {
  const m = event.message;
  const what = m.text !== undefined ? JSON.stringify(m.text.slice(0, 120)) : '';
  const cards = m.attachments.length
    ? ` [${m.attachments.length} attachment(s): ${JSON.stringify(textOf({ ...m, text: undefined }).slice(0, 120))}]`
    : '';
  return `[${event.seq}${event.seq > after ? '' : ', before'}] ${event.kind} ${m.messageId} v${m.version} in ${m.conversationId}: ${what}${cards}`;
}

function describeLogItem(item: PlaygroundLogItem): string {
  if (item.type === 'text') return `${item.level ?? 'info'}: ${item.displayText ?? ''}`;
  const direction = item.from === 'User Application' ? 'bot → Playground' : 'Playground → bot';
  const text = item.displayText ? ` ${JSON.stringify(item.displayText.slice(0, 80))}` : '';
  return `${direction} ${item.activityName ?? '?'}${text} in ${item.conversationId ?? '?'} → ${item.response?.statusCode ?? '?'}`;
}
