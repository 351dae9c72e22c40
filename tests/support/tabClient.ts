import type { World } from './world';
import { answerOf, signInWithPicker } from './entraAccountPicker';

/** Who calls the tab's API: a Teams user of the demo directory, or anyone's identity given by its claims. */
export type TabCaller = string | { as: string; claims: Record<string, unknown> };

export interface TabReply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  as?: TabCaller;
  /** Sent as JSON unless `contentType` says otherwise. */
  body?: unknown;
  contentType?: string;
  /** The Authorization header as given (a forgery), instead of a valid SSO token of `as`. */
  authorization?: string;
  headers?: Record<string, string>;
}

export type SignInAnswer = { ok: true; requestId?: string; managing?: string; notice?: string } & Record<
  string,
  unknown
>;

/**
 * The Tenants tab's API as its page calls it, over HTTP with Teams SSO tokens the sandbox's Entra ID signs, and
 * the sign-in pop-up as a browser goes through it: Entra ID's account picker, then its form post to the tab.
 */
export class TabClient {
  constructor(private readonly world: World) {}

  url(path: string): string {
    return `http://localhost:${this.world.env.PORT}${path}`;
  }

  audience(): string {
    return `api://localhost:${this.world.env.PORT}/${this.world.sandbox.tabApp.clientId}`;
  }

  /** A valid SSO token of a Teams user, with any claims replaced (e.g. another tenant's person, another name). */
  ssoToken(caller: TabCaller = 'Nestor Wilke'): string {
    const { as, claims } = typeof caller === 'string' ? { as: caller, claims: {} } : caller;
    return this.world.sandbox.mintSsoToken({
      user: this.world.teams.user(as),
      audience: this.audience(),
      overrides: claims,
    });
  }

  /** A user of one of the demo tenants (not the Teams one), by their sign-in name. */
  directoryUser(upn: string): { tenantId: string; objectId: string; displayName: string } {
    for (const tenant of this.world.sandbox.directory.tenants) {
      const user = tenant.users.find((u) => u.userPrincipalName === upn);
      if (user) return { tenantId: tenant.id, objectId: user.objectId, displayName: user.displayName };
    }
    throw new Error(`No ${upn} in the demo directory`);
  }

  tenantId(name: string): string {
    const tenant = this.world.sandbox.directory.tenants.find((t) => t.displayName.startsWith(name));
    if (!tenant) throw new Error(`No tenant ${name} in the demo directory`);
    return tenant.id;
  }

  /** A directory user using Teams in their own tenant, as their Teams client would vouch for them (SSO). */
  teamsPersonOf(upn: string): TabCaller {
    const user = this.directoryUser(upn);
    return { as: 'Nestor Wilke', claims: { tid: user.tenantId, oid: user.objectId, name: user.displayName } };
  }

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: CallOptions = {},
  ): Promise<TabReply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const authorization = options.authorization ?? `Bearer ${this.ssoToken(options.as)}`;
    if (authorization) headers.authorization = authorization;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/json';
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    const response = await fetch(this.url(path), {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (the CSV download): the text itself.
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  /** Signs in through the pop-up that `url` opens, choosing `upn`, and reads what the pop-up hands the tab. */
  async popUp(url: string, upn: string): Promise<SignInAnswer | { ok: false; message: string }> {
    const answer = answerOf(await signInWithPicker(url, upn, this.world.sandbox.caCertPem));
    return this.callback(answer);
  }

  /** Entra ID's form post to the tab's callback, and the outcome its page carries. */
  async callback(params: Record<string, string>): Promise<SignInAnswer | { ok: false; message: string }> {
    const response = await fetch(this.url('/tab/auth/callback'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    return signInResultOf(await response.text()) as SignInAnswer | { ok: false; message: string };
  }

  /** "Associate another Azure AD tenant" as `as`, signing in as `upn`, and Confirm. */
  async associate(as: TabCaller, upn: string): Promise<void> {
    const started = await this.call<{ url: string }>('POST', '/tab/api/sign-ins', { as });
    if (started.status !== 200) throw new Error(`No sign-in: ${JSON.stringify(started.body)}`);
    const result = await this.popUp(started.body.url, upn);
    if (!result.ok || !('requestId' in result)) throw new Error(`No review: ${JSON.stringify(result)}`);
    const confirmed = await this.call<{ state: string }>(
      'POST',
      `/tab/api/requests/${result.requestId}/confirm`,
      {
        as,
      },
    );
    if (confirmed.body.state !== 'completed')
      throw new Error(`Not associated: ${JSON.stringify(confirmed.body)}`);
  }

  /** The Users page's sign-in to a tenant (R6), searching its directory for `query` at once. */
  async signInToManage(
    as: TabCaller,
    tenantId: string,
    upn: string,
    query?: string,
  ): Promise<SignInAnswer | { ok: false; message: string }> {
    const started = await this.call<{ url: string }>('POST', '/tab/api/users/sign-ins', {
      as,
      body: { tenantId, ...(query !== undefined ? { query } : {}) },
    });
    if (started.status !== 200) throw new Error(`No sign-in: ${JSON.stringify(started.body)}`);
    return this.popUp(started.body.url, upn);
  }
}

/** The outcome the callback page carries for the tab, in its `sign-in-result` meta tag (HTML-escaped JSON). */
export function signInResultOf(html: string): Record<string, unknown> {
  const meta = /<meta name="sign-in-result" content="([^"]*)"/.exec(html)?.[1] ?? '';
  return JSON.parse(
    meta
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  ) as Record<string, unknown>;
}
