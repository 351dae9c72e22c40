/**
 * The host side of @microsoft/teams-js 2.x's postMessage protocol, as 2.58.0 speaks it (read in
 * OfficeDev/microsoft-teams-library-js: internal/communication.ts, messageObjects.ts, childCommunication.ts,
 * public/app, authentication, runtime). Pure data and functions: the browser script and the server share them.
 */

/**
 * A call from the SDK (serializeMessageRequest): `uuid` travels as `uuidAsString`. The SDK matches the answer by
 * `uuidAsString` when there is one, else by the legacy numeric `id`.
 */
export interface HostRequest {
  id: number;
  uuidAsString?: string;
  func: string;
  args?: unknown[];
  timestamp?: number;
  monotonicTimestamp?: number;
  apiVersionTag?: string;
  isProxiedFromChild?: boolean;
  teamsJsInstanceId?: string;
}

/** The host's answer to a call: the SDK hands `args` to whoever awaits it. */
export interface HostResponse {
  id: number;
  uuidAsString?: string;
  args: unknown[];
}

/** A host-initiated event (`themeChange`, …): no numeric `id`, or the SDK would take it for an answer. */
export interface HostEvent {
  func: string;
  args: unknown[];
}

export type FrameContext = 'content' | 'authentication';
export const THEMES = ['default', 'dark', 'contrast'] as const;
export type TeamsTheme = (typeof THEMES)[number];

/** What the host reports as `clientSupportedSDKVersion`: every API up to this SDK version is understood. */
export const HOST_SDK_VERSION = '2.58.0';

/** The failure reasons Teams answers with, which tabs match on. */
export const TEAMS_FAILURES = {
  cancelledByUser: 'CancelledByUser',
  failedToOpenWindow: 'FailedToOpenWindow',
  resourceMismatch: 'App resource defined in manifest and iframe origin do not match',
} as const;

/** SdkError code 100: the capability is not there (teams-js ErrorCode.NOT_SUPPORTED_ON_PLATFORM). */
export const NOT_SUPPORTED_ON_PLATFORM = 100;

/** Calls the SDK sends without waiting for an answer. */
export const ONE_WAY_CALLS = new Set([
  'registerHandler',
  'readyToUnload',
  'appInitialization.appLoaded',
  'appInitialization.success',
  'appInitialization.failure',
  'appInitialization.expectedFailure',
]);

/** Everything the host page needs to answer for one tab and one person; the server writes it into the page. */
export interface HostPageConfig {
  user: { objectId: string; displayName: string; userPrincipalName: string };
  tenantId: string;
  /** The tab's content URL and its origin: only messages from that origin, in the tab's frame, are answered. */
  appUrl: string;
  appOrigin: string;
  /** The static tab's `entityId` (`page.id` in the context). */
  entityId: string;
  theme: TeamsTheme;
  locale: string;
  /** The manifest's `webApplicationInfo.resource`: the audience of SSO tokens. */
  resource: string;
  sessionId: string;
  appSessionId: string;
}

/** `POST /api/auth-token`, the host page asking its server for an SSO token. */
export interface AuthTokenRequest {
  user: string;
  app: string;
  resource: string;
  /** `authentication.getAuthToken({ resources })`, as the tab passed it. */
  resources?: unknown;
}

export type AuthTokenAnswer = { ok: true; token: string } | { ok: false; reason: string };

export function isHostRequest(data: unknown): data is HostRequest {
  const candidate = data as Partial<HostRequest> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.id === 'number' &&
    typeof candidate.func === 'string'
  );
}

export function isTheme(value: unknown): value is TeamsTheme {
  return (THEMES as readonly unknown[]).includes(value);
}

/**
 * The runtime of a Teams web client, as far as this host implements it (apiVersion 4). `app` (initialize,
 * getContext, theme changes) is all a tab needs declared: `authentication` has no capability flag in 2.58,
 * it is always there. Teams renders Adaptive Cards up to 1.5.
 */
export function runtimeConfig(): string {
  return JSON.stringify({
    apiVersion: 4,
    isLegacyTeams: false,
    hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } },
    supports: { app: {} },
  });
}

/** The answer to `initialize`: [frameContext, hostClientType, runtimeConfig, clientSupportedSDKVersion]. */
export function initializeAnswer(frameContext: FrameContext): unknown[] {
  return [frameContext, 'web', runtimeConfig(), HOST_SDK_VERSION];
}

/** The answer to `getContext`: the SDK's flat (v1) context, which `app.getContext()` reshapes into app/page/user. */
export function legacyContext(config: HostPageConfig, frameContext: FrameContext, theme: TeamsTheme): object {
  return {
    entityId: config.entityId,
    locale: config.locale,
    theme,
    frameContext,
    hostClientType: 'web',
    hostName: 'Teams',
    sessionId: config.sessionId,
    appSessionId: config.appSessionId,
    ringId: 'general',
    userObjectId: config.user.objectId,
    userPrincipalName: config.user.userPrincipalName,
    loginHint: config.user.userPrincipalName,
    userDisplayName: config.user.displayName,
    userLicenseType: 'Unknown',
    tid: config.tenantId,
    tenantSKU: 'enterprise',
    isFullScreen: false,
    isMultiWindow: false,
    manifestVersion: '1.25',
    dialogParameters: {},
  };
}
