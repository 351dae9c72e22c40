import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import jwt from 'jsonwebtoken';
import {
  CONSUMER_TENANT_ID,
  type DemoDirectory,
  type DirectoryTenant,
  type DirectoryUser,
  type PersonalAccount,
} from '../demo/directory';
import {
  bearerToken,
  delay,
  type Handler,
  type HttpFault,
  retryAfterHeader,
  type RunningServer,
  serve,
  takeFault,
} from './http';
import { type LoginEmulator, GRAPH_AUDIENCES, uuidFrom } from './login';
import type { Claims } from './keys';

export type GraphFault = HttpFault;

export const GLOBAL_ADMIN_ROLE_TEMPLATE_ID = '62e90394-69f5-4237-9190-012177145e10';
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 999;
const JSON_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export interface GraphEmulator {
  /** `https://localhost:PORT`; the Graph client's baseUrl (it appends `/v1.0`). */
  url: string;
  faults: GraphFault[];
  /**
   * As Graph answers an app without permission to read directory roles (User.Read only): role entries in
   * memberOf keep just `@odata.type` and `id` ("limited information returned for inaccessible member objects").
   */
  settings: GraphSettings;
  close(): Promise<void>;
}

export interface GraphOptions {
  host: string;
  port?: number;
  tls: { cert: string; key: string };
  directory: DemoDirectory;
  login: LoginEmulator;
}

type Caller =
  | { kind: 'organizational'; tenant: DirectoryTenant; user: DirectoryUser }
  | { kind: 'personal'; account: PersonalAccount };

type GraphObject = Record<string, unknown>;

export interface GraphSettings {
  withholdRoleDetails: boolean;
}

/** Microsoft Graph v1.0, the handful of directory reads the bot makes, with paging and throttling. */
export async function startGraph(options: GraphOptions): Promise<GraphEmulator> {
  const { directory } = options;
  const faults: GraphFault[] = [];
  const settings: GraphSettings = { withholdRoleDetails: false };
  let origin = '';

  const handler: Handler = async (req, res, url) => {
    const requestId = randomUUID();
    const clientRequestId = headerValue(req, 'client-request-id') ?? requestId;
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'Content-Type': JSON_TYPE,
        'Content-Length': Buffer.byteLength(text),
        'request-id': requestId,
        'client-request-id': clientRequestId,
        ...headers,
      });
      res.end(text);
    };
    const fail = (
      status: number,
      code: string,
      message: string,
      headers: Record<string, string> = {},
    ): void =>
      reply(
        status,
        {
          error: {
            code,
            message,
            innerError: {
              date: new Date().toISOString().replace(/\.\d+Z$/, ''),
              'request-id': requestId,
              'client-request-id': clientRequestId,
            },
          },
        },
        headers,
      );

    try {
      const claims = authenticate(req, options.login);
      const fault = takeFault(faults, req.method ?? 'GET', url);
      if (fault?.delayMs) await delay(fault.delayMs);
      if (fault?.status) {
        const [code, message] = faultError(fault.status);
        return fail(fault.status, fault.code ?? code, fault.message ?? message, retryAfterHeader(fault));
      }
      if (req.method !== 'GET')
        return fail(405, 'Request_BadRequest', `Method ${req.method} is not supported by the sandbox.`);
      const caller = findCaller(directory, claims);
      if (!caller)
        return fail(404, 'Request_ResourceNotFound', `Resource '${String(claims.oid)}' does not exist.`);
      const { status, body } = route(caller, url, req.headers);
      reply(status, body);
    } catch (err) {
      if (err instanceof GraphError) return fail(err.status, err.code, err.message, err.headers);
      throw err;
    }
  };

  const route = (
    caller: Caller,
    url: URL,
    headers: http.IncomingHttpHeaders,
  ): { status: number; body: unknown } => {
    const path = url.pathname.replace(/\/+$/, '');
    const context = (fragment: string): string => `${origin}/v1.0/$metadata#${fragment}`;
    if (path === '/v1.0/me') {
      return ok({ '@odata.context': context('users/$entity'), ...select(url, userObject(caller)) });
    }
    // A personal account has no directory behind it; Graph answers these with a bare 500 (seen in the wild).
    if (
      caller.kind === 'personal' &&
      /^\/v1\.0\/(organization|users|me\/(transitive)?memberOf)/i.test(path)
    ) {
      throw new GraphError(500, 'InternalServerError', 'Unable to find target address');
    }
    if (caller.kind !== 'organizational') throw notFound(path);
    const { tenant } = caller;

    if (path === '/v1.0/organization') {
      return ok({
        '@odata.context': context('organization'),
        value: [select(url, organizationObject(tenant))],
      });
    }
    const memberOf =
      /^\/v1\.0\/me\/(?:transitiveM|m)emberOf(?:\/microsoft\.graph\.(group|directoryRole))?$/i.exec(path);
    if (memberOf) {
      const cast = memberOf[1]?.toLowerCase();
      const all = memberships(tenant, caller.user, settings).filter(
        (o) =>
          !cast || o['@odata.type'] === `#microsoft.graph.${cast === 'group' ? 'group' : 'directoryRole'}`,
      );
      return ok(
        page(
          url,
          all,
          cast ? context(`directoryObjects/microsoft.graph.${memberOf[1]}`) : context('directoryObjects'),
        ),
      );
    }
    if (path === '/v1.0/users') {
      const users = usersMatching(tenant.users, url, headers.consistencylevel);
      return ok(
        page(
          url,
          users.map((u) => userObject({ kind: 'organizational', tenant, user: u })),
          context('users'),
        ),
      );
    }
    const oneUser = /^\/v1\.0\/users\/([^/]+)$/.exec(path);
    if (oneUser) {
      const wanted = decodeURIComponent(oneUser[1]).toLowerCase();
      const user = tenant.users.find(
        (u) => u.objectId === wanted || u.userPrincipalName.toLowerCase() === wanted,
      );
      if (!user)
        throw new GraphError(
          404,
          'Request_ResourceNotFound',
          `Resource '${wanted}' does not exist or one of its queried reference-property objects are not present.`,
        );
      return ok({
        '@odata.context': context('users/$entity'),
        ...select(url, userObject({ kind: 'organizational', tenant, user })),
      });
    }
    throw notFound(path);
  };

  const page = (url: URL, all: GraphObject[], odataContext: string): GraphObject => {
    const top = pageSize(url.searchParams.get('$top'));
    const start = decodeSkipToken(url.searchParams.get('$skiptoken'));
    const items = all.slice(start, start + top).map((o) => select(url, o));
    const body: GraphObject = { '@odata.context': odataContext };
    if (start + top < all.length) {
      // Graph's nextLink is absolute and carries the original query ($select, $top) plus an opaque $skiptoken.
      const query = [...url.searchParams.entries()]
        .filter(([k]) => k !== '$skiptoken')
        .map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
      query.push(`$skiptoken=${encodeSkipToken(start + top)}`);
      body['@odata.nextLink'] = `${origin}${url.pathname}?${query.join('&')}`;
    }
    body.value = items;
    return body;
  };

  const running: RunningServer = await serve(handler, {
    host: options.host,
    port: options.port,
    tls: options.tls,
  });
  origin = `https://localhost:${running.port}`;
  return { url: origin, faults, settings, close: running.close };
}

class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const ok = (body: unknown): { status: number; body: unknown } => ({ status: 200, body });

function notFound(path: string): GraphError {
  const segment = path.split('/').filter(Boolean).slice(1).join('/');
  return new GraphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
}

function authenticate(req: http.IncomingMessage, login: LoginEmulator): Claims {
  const challenge = {
    'WWW-Authenticate':
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
  };
  const token = bearerToken(req);
  if (!token) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.', challenge);
  try {
    return login.verifyUserToken(token, GRAPH_AUDIENCES);
  } catch (err) {
    const message =
      err instanceof jwt.TokenExpiredError
        ? 'Lifetime validation failed, the token is expired.'
        : err instanceof jwt.NotBeforeError
          ? 'Lifetime validation failed, the token is not yet valid.'
          : err instanceof Error && /audience/i.test(err.message)
            ? 'Access token validation failure. Invalid audience.'
            : 'Access token validation failure.';
    throw new GraphError(401, 'InvalidAuthenticationToken', message, challenge);
  }
}

function findCaller(directory: DemoDirectory, claims: Claims): Caller | undefined {
  if (claims.tid === CONSUMER_TENANT_ID) {
    const account = directory.personalAccounts.find((a) => a.objectId === claims.oid);
    return account ? { kind: 'personal', account } : undefined;
  }
  const tenant = directory.tenants.find((t) => t.id === claims.tid);
  const user = tenant?.users.find((u) => u.objectId === claims.oid);
  return tenant && user ? { kind: 'organizational', tenant, user } : undefined;
}

/**
 * What `/users` supports here, as Graph does: `$search` on displayName, mail and userPrincipalName ("prop:term"
 * clauses joined by OR, each term matching the start of a word), which Graph serves only with the header
 * `ConsistencyLevel: eventual`; and `$filter=id in ('…', …)`.
 */
function usersMatching(
  users: DirectoryUser[],
  url: URL,
  consistency: string | string[] | undefined,
): DirectoryUser[] {
  const search = url.searchParams.get('$search');
  const filter = url.searchParams.get('$filter');
  let matching = users;
  if (search !== null) {
    if (consistency !== 'eventual') {
      throw new GraphError(
        400,
        'Request_UnsupportedQuery',
        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
      );
    }
    const clauses = [...search.matchAll(/"(displayName|mail|userPrincipalName):((?:[^"\\]|\\.)*)"/g)].map(
      ([, property, term]) => ({ property, term: term.replace(/\\(.)/g, '$1').toLowerCase() }),
    );
    if (clauses.length === 0)
      throw new GraphError(400, 'Request_UnsupportedQuery', `Invalid $search: ${search}`);
    matching = matching.filter((u) =>
      clauses.some(({ property, term }) => {
        const value = property === 'displayName' ? u.displayName : u.userPrincipalName;
        return (
          value
            .toLowerCase()
            .split(/[\s.@_-]+/)
            .some((word) => word.startsWith(term)) || value.toLowerCase().startsWith(term)
        );
      }),
    );
  }
  if (filter !== null) {
    const ids = /^id in \((.*)\)$/.exec(filter.trim())?.[1];
    if (ids === undefined)
      throw new GraphError(400, 'Request_UnsupportedQuery', `Unsupported $filter: ${filter}`);
    const wanted = new Set([...ids.matchAll(/'([^']*)'/g)].map(([, id]) => id.toLowerCase()));
    if (wanted.size > 15) {
      throw new GraphError(
        400,
        'Request_UnsupportedQuery',
        'Too many values in the "in" operator: at most 15.',
      );
    }
    matching = matching.filter((u) => wanted.has(u.objectId.toLowerCase()));
  }
  return matching;
}

function userObject(caller: Caller): GraphObject {
  const person = caller.kind === 'personal' ? caller.account : caller.user;
  const [givenName, ...rest] = person.displayName.split(' ');
  return {
    businessPhones: [],
    displayName: person.displayName,
    givenName,
    jobTitle: null,
    mail: person.userPrincipalName,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: rest.join(' ') || null,
    userPrincipalName: person.userPrincipalName,
    id: person.objectId,
  };
}

function organizationObject(tenant: DirectoryTenant): GraphObject {
  return {
    id: tenant.id,
    deletedDateTime: null,
    businessPhones: [],
    city: null,
    country: null,
    countryLetterCode: 'US',
    createdDateTime: '2019-01-01T00:00:00Z',
    displayName: tenant.displayName,
    marketingNotificationEmails: [],
    onPremisesLastSyncDateTime: null,
    onPremisesSyncEnabled: null,
    postalCode: null,
    preferredLanguage: 'en',
    securityComplianceNotificationMails: [],
    securityComplianceNotificationPhones: [],
    state: null,
    street: null,
    technicalNotificationMails: [],
    tenantType: 'AAD',
    verifiedDomains: tenant.verifiedDomains.map((d) => ({
      capabilities: 'Email, OfficeCommunicationsOnline',
      isDefault: d.isDefault,
      isInitial: d.isInitial,
      name: d.name,
      type: 'Managed',
    })),
  };
}

/** The user's groups, then (for global admins) the directory role last, so finding it takes paging. */
function memberships(tenant: DirectoryTenant, user: DirectoryUser, settings: GraphSettings): GraphObject[] {
  const groups: GraphObject[] = Array.from({ length: tenant.groups }, (_, i) => ({
    '@odata.type': '#microsoft.graph.group',
    id: uuidFrom(`group:${tenant.id}:${i}`),
    deletedDateTime: null,
    description: `Demo group ${i + 1} of ${tenant.displayName}`,
    displayName: `${tenant.displayName.split(/[ ,]/)[0]} group ${String(i + 1).padStart(3, '0')}`,
    groupTypes: [],
    mail: null,
    mailEnabled: false,
    securityEnabled: true,
  }));
  if (!user.globalAdmin) return groups;
  const id = uuidFrom(`role:${tenant.id}:global-admin`);
  if (settings.withholdRoleDetails)
    return [...groups, { '@odata.type': '#microsoft.graph.directoryRole', id }];
  return [
    ...groups,
    {
      '@odata.type': '#microsoft.graph.directoryRole',
      id,
      deletedDateTime: null,
      description:
        'Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.',
      displayName: 'Global Administrator',
      roleTemplateId: GLOBAL_ADMIN_ROLE_TEMPLATE_ID,
    },
  ];
}

function select(url: URL, object: GraphObject): GraphObject {
  const selected = url.searchParams.get('$select');
  if (!selected) return object;
  const fields = new Set(selected.split(',').map((f) => f.trim()));
  return Object.fromEntries(Object.entries(object).filter(([k]) => k === '@odata.type' || fields.has(k)));
}

function pageSize(raw: string | null): number {
  if (raw === null) return DEFAULT_PAGE_SIZE;
  const top = Number(raw);
  if (!Number.isInteger(top) || top < 1 || top > MAX_PAGE_SIZE) {
    throw new GraphError(
      400,
      'Request_UnsupportedQuery',
      `Invalid page size specified: '${raw}'. Must be between 1 and ${MAX_PAGE_SIZE} inclusive.`,
    );
  }
  return top;
}

function encodeSkipToken(offset: number): string {
  return Buffer.from(`RFNwdA:${offset}`).toString('base64url');
}

function decodeSkipToken(token: string | null): number {
  if (!token) return 0;
  const match = /^RFNwdA:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match)
    throw new GraphError(
      400,
      'Request_BadRequest',
      'The specified page token value has expired or is invalid.',
    );
  return Number(match[1]);
}

function faultError(status: number): [string, string] {
  switch (status) {
    case 429:
      return ['TooManyRequests', 'Too many requests. Please retry again later.'];
    case 503:
      return ['serviceNotAvailable', 'The service is temporarily unavailable. Please retry after a delay.'];
    case 504:
      return ['timeout', 'The operation timed out.'];
    case 500:
      return ['generalException', 'An unspecified error has occurred.'];
    default:
      return ['UnknownError', 'Injected by the sandbox.'];
  }
}

function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
