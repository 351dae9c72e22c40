import { app, authentication } from '@microsoft/teams-js';
import type { TeamsTheme } from '../../../cards/hostConfig';

/** How long to wait for a Teams host to answer before telling the person to open the tab in Teams. */
const HOST_TIMEOUT_MS = 4000;

export interface Host {
  theme: TeamsTheme;
  locale: string;
}

/** Connects to the Teams host; undefined when the page was opened anywhere else. */
export async function connect(onTheme: (theme: TeamsTheme) => void): Promise<Host | undefined> {
  // A page that is not framed and was not opened as a pop-up has no host to talk to.
  if (window.parent === window && !window.opener) return undefined;
  const connected = await Promise.race([
    app.initialize(hostOrigins()).then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), HOST_TIMEOUT_MS)),
  ]).catch(() => false);
  if (!connected) return undefined;
  const context = await app.getContext();
  app.registerOnThemeChangeHandler((theme) => onTheme(themeOf(theme)));
  return { theme: themeOf(context.app.theme), locale: context.app.locale };
}

/** Hosts other than Teams' own that this deployment lets frame the tab (local mode's Teams host page). */
export function hostOrigins(): string[] | undefined {
  const listed = document.querySelector('meta[name="teams-host-origins"]')?.getAttribute('content') ?? '';
  const origins = listed.split(' ').filter(Boolean);
  return origins.length > 0 ? origins : undefined;
}

export function themeOf(theme: string | undefined): TeamsTheme {
  return theme === 'dark' || theme === 'contrast' ? theme : 'default';
}

/** A call to the tab's API, as the person Teams signed in (SSO): the server checks who that is. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const token = await authentication.getAuthToken();
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok)
    throw new ApiError(body.error ?? `The server answered ${response.status}.`, response.status);
  return body;
}

/**
 * A file from the tab's API, saved by the browser under the name the server gave it. The call needs the SSO token
 * in a header, which a plain link cannot carry, so the file is fetched and handed to the browser as a blob.
 */
export async function download(path: string): Promise<string> {
  const token = await authentication.getAuthToken();
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    throw new ApiError(body.error ?? `The server answered ${response.status}.`, response.status);
  }
  const disposition = response.headers.get('content-disposition') ?? '';
  const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'download';
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has the file once the click is handled; the blob can go after that.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return fileName;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The sign-in pop-up: Teams opens it, and hands back what its last page reports. */
export function signInPopUp(url: string): Promise<string> {
  return authentication.authenticate({
    url: new URL(url, window.location.href).href,
    width: 600,
    height: 640,
  });
}
