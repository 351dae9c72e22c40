/**
 * The host page's script: runs in the browser (bundled by esbuild when the host starts), answering the framed
 * tab's teams-js calls and those of the sign-in pop-up it opens. It decides nothing the server should: SSO
 * tokens come from the server, which checks the audience.
 */
import {
  type AuthTokenAnswer,
  type HostEvent,
  type HostPageConfig,
  type HostRequest,
  type HostResponse,
  initializeAnswer,
  isHostRequest,
  isTheme,
  legacyContext,
  NOT_SUPPORTED_ON_PLATFORM,
  ONE_WAY_CALLS,
  TEAMS_FAILURES,
  type TeamsTheme,
} from './protocol';

// The few DOM types this script uses, declared here: the project compiles without the DOM library.
interface WindowProxy {
  readonly closed: boolean;
  postMessage(message: HostResponse | HostEvent, targetOrigin: string): void;
  close(): void;
  focus(): void;
}
interface MessageEvent {
  readonly data: unknown;
  readonly origin: string;
  readonly source: unknown;
}
interface HostElement {
  textContent: string | null;
  readonly childElementCount: number;
  readonly lastElementChild: HostElement | null;
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
  addEventListener(type: 'click', listener: () => void): void;
  prepend(...nodes: (HostElement | string)[]): void;
  remove(): void;
}
interface HostFrame extends HostElement {
  readonly contentWindow: WindowProxy | null;
}
declare const window: {
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  open(url: string, target: string, features: string): WindowProxy | null;
  setInterval(handler: () => void, ms: number): number;
  clearInterval(id: number): void;
  readonly screenX: number;
  readonly screenY: number;
  readonly outerWidth: number;
  readonly outerHeight: number;
};
declare const document: {
  readonly documentElement: HostElement;
  getElementById(id: string): HostElement | null;
  querySelectorAll(selectors: string): ArrayLike<HostElement>;
  createElement(tag: string): HostElement;
};

type Reply = (args: unknown[]) => void;

/** The sign-in window of an `authentication.authenticate` call, and how to answer the tab when it is done. */
interface AuthWindow {
  popup: WindowProxy;
  answer: Reply;
  poll: number;
}

const config = JSON.parse(document.getElementById('host-config')?.textContent ?? '{}') as HostPageConfig;
const frame = document.getElementById('tab') as HostFrame;
const registered = new Set<string>();
let theme: TeamsTheme = config.theme;
let authWindow: AuthWindow | undefined;

window.addEventListener('message', (event) => {
  if (!isHostRequest(event.data)) return;
  const request = event.data;
  const source = event.source as WindowProxy;
  const reply: Reply = (args) =>
    source.postMessage({ id: request.id, uuidAsString: request.uuidAsString, args }, event.origin);
  if (frame.contentWindow && source === frame.contentWindow) {
    // Teams answers a tab only from the app's own domains; the sandbox knows one, the tab URL's origin.
    if (event.origin !== config.appOrigin) return log(`ignored ${request.func} from ${event.origin}`);
    log(`tab: ${request.func}`);
    return fromTab(request, reply);
  }
  if (authWindow && source === authWindow.popup) {
    log(`sign-in window: ${request.func}`);
    return fromAuthWindow(request, reply);
  }
});

function fromTab(request: HostRequest, reply: Reply): void {
  const args = request.args ?? [];
  switch (request.func) {
    case 'initialize':
      // A new page in the frame starts over: the handlers it registers are its own.
      registered.clear();
      return reply(initializeAnswer('content'));
    case 'getContext':
      return reply([legacyContext(config, 'content', theme)]);
    case 'registerHandler':
      registered.add(String(args[0]));
      return;
    case 'authentication.getAuthToken':
      void authToken(args[0]).then(reply);
      return;
    case 'authentication.authenticate':
      return authenticate(args, reply);
    case 'executeDeepLink':
      // app.openLink: a new browser window stands in for Teams navigating to the link.
      window.open(String(args[0]), '_blank', 'noopener');
      return reply([true]);
    default:
      return common(request, reply);
  }
}

function fromAuthWindow(request: HostRequest, reply: Reply): void {
  const args = request.args ?? [];
  switch (request.func) {
    case 'initialize':
      return reply(initializeAnswer('authentication'));
    case 'getContext':
      return reply([legacyContext(config, 'authentication', theme)]);
    case 'authentication.authenticate.success':
      return finishAuthentication([true, args[0]]);
    case 'authentication.authenticate.failure':
      return finishAuthentication([false, args[0]]);
    default:
      return common(request, reply);
  }
}

function common(request: HostRequest, reply: Reply): void {
  if (ONE_WAY_CALLS.has(request.func)) return;
  log(`not implemented by the sandbox host: ${request.func}`);
  reply([
    {
      errorCode: NOT_SUPPORTED_ON_PLATFORM,
      message: `The sandbox's Teams host does not implement ${request.func}.`,
    },
  ]);
}

/** `authentication.getAuthToken`: args [resources, claims, silent, tenantId]; answers [true, token] or [false, reason]. */
async function authToken(resources: unknown): Promise<unknown[]> {
  try {
    const response = await fetch('/api/auth-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        user: config.user.userPrincipalName,
        app: config.appUrl,
        resource: config.resource,
        resources,
      }),
    });
    const answer = (await response.json()) as AuthTokenAnswer;
    log(answer.ok ? 'SSO token issued' : `SSO token refused: ${answer.reason}`);
    return answer.ok ? [true, answer.token] : [false, answer.reason];
  } catch (error) {
    return [false, `The sandbox host could not reach its server: ${String(error)}`];
  }
}

/**
 * `authentication.authenticate`: args [url, width, height, isExternal]. Teams on the web opens a real pop-up
 * (the page in it reaches Teams through `window.opener`), watches it, and answers the tab once the page calls
 * notifySuccess or notifyFailure, or with CancelledByUser when the person closes it.
 */
function authenticate(args: unknown[], reply: Reply): void {
  // A second sign-in replaces one still open, as if the person had closed the first.
  if (authWindow) finishAuthentication([false, TEAMS_FAILURES.cancelledByUser]);
  const width = Math.round(Number(args[1]) || 600);
  const height = Math.round(Number(args[2]) || 400);
  const left = Math.round(window.screenX + (window.outerWidth - width) / 2);
  const top = Math.round(window.screenY + (window.outerHeight - height) / 2);
  const features = `width=${width},height=${height},left=${left},top=${top},toolbar=no,location=yes,status=no,menubar=no,scrollbars=yes`;
  const popup = window.open(String(args[0]), '_blank', features);
  if (!popup) return reply([false, TEAMS_FAILURES.failedToOpenWindow]);
  popup.focus();
  const poll = window.setInterval(() => {
    if (popup.closed) finishAuthentication([false, TEAMS_FAILURES.cancelledByUser]);
  }, 100);
  authWindow = { popup, answer: reply, poll };
  log(`sign-in window opened: ${String(args[0])}`);
}

function finishAuthentication(answer: unknown[]): void {
  const current = authWindow;
  if (!current) return;
  authWindow = undefined;
  window.clearInterval(current.poll);
  current.answer(answer);
  log(answer[0] ? 'sign-in window: success' : `sign-in window: ${String(answer[1])}`);
  if (!current.popup.closed) current.popup.close();
}

function setTheme(next: TeamsTheme): void {
  theme = next;
  document.documentElement.setAttribute('data-theme', next);
  for (const button of Array.from(document.querySelectorAll('[data-theme-choice]'))) {
    button.setAttribute('aria-pressed', String(button.getAttribute('data-theme-choice') === next));
  }
  // Teams tells a tab only if it registered for it (app.registerOnThemeChangeHandler).
  if (registered.has('themeChange') && frame.contentWindow) {
    frame.contentWindow.postMessage({ func: 'themeChange', args: [next] }, config.appOrigin);
    log(`host: themeChange ${next}`);
  }
}

function log(text: string): void {
  const list = document.getElementById('host-log');
  if (!list) return;
  const item = document.createElement('li');
  item.textContent = `${new Date().toISOString().slice(11, 23)} ${text}`;
  list.prepend(item);
  while (list.childElementCount > 100) list.lastElementChild?.remove();
}

for (const button of Array.from(document.querySelectorAll('[data-theme-choice]'))) {
  button.addEventListener('click', () => {
    const choice = button.getAttribute('data-theme-choice');
    if (isTheme(choice)) setTheme(choice);
  });
}

const phone = document.getElementById('phone-width');
phone?.addEventListener('click', () => {
  const on = phone.getAttribute('aria-pressed') !== 'true';
  phone.setAttribute('aria-pressed', String(on));
  document.getElementById('stage')?.setAttribute('data-phone', String(on));
});

log(`hosting ${config.appUrl} for ${config.user.displayName}`);
