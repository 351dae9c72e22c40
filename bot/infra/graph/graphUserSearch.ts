import { Client } from '@microsoft/microsoft-graph-client';
import { DependencyUnavailableError } from '../../core/errors';
import { MAX_SEARCH_LENGTH, type DirectoryUser, type UserSearch } from '../../core/ports';

export interface GraphUserSearchOptions {
  baseUrl: string;
  fetchOptions?: RequestInit & { dispatcher?: unknown };
}

const PAGE_SIZE = 25;
/** Graph's "in" operator takes at most 15 values. */
const IDS_PER_FILTER = 15;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface GraphUser {
  id: string;
  displayName: string | null;
  userPrincipalName: string;
  mail?: string | null;
}

/**
 * The signed-in tenant's directory, read with the user's own token for one turn: `$search` on name and
 * e-mail (with `ConsistencyLevel: eventual`, which Graph requires for it), paged by Graph's own next links.
 */
export class GraphUserSearch implements UserSearch {
  constructor(private readonly options: GraphUserSearchOptions) {}

  async search(
    userToken: string,
    query: string,
    page?: string,
  ): Promise<{ users: DirectoryUser[]; next?: string }> {
    const client = this.clientFor(userToken);
    try {
      const answer = (await (page && this.isOurs(page)
        ? client.api(page).header('ConsistencyLevel', 'eventual').get()
        : client
            .api('/users')
            .header('ConsistencyLevel', 'eventual')
            .search(searchClause(query))
            .select('id,displayName,userPrincipalName,mail')
            .top(PAGE_SIZE)
            .get())) as { value: GraphUser[]; '@odata.nextLink'?: string };
      const next = answer['@odata.nextLink'];
      return { users: answer.value.map(toUser), ...(next ? { next } : {}) };
    } catch (error) {
      throw new DependencyUnavailableError('directory', { cause: error });
    }
  }

  async byIds(userToken: string, objectIds: string[]): Promise<DirectoryUser[]> {
    const ids = [...new Set(objectIds.filter((id) => GUID.test(id)))];
    const client = this.clientFor(userToken);
    const found: DirectoryUser[] = [];
    try {
      for (let i = 0; i < ids.length; i += IDS_PER_FILTER) {
        const chunk = ids.slice(i, i + IDS_PER_FILTER).map((id) => `'${id}'`);
        const answer = (await client
          .api('/users')
          .filter(`id in (${chunk.join(',')})`)
          .select('id,displayName,userPrincipalName,mail')
          .get()) as { value: GraphUser[] };
        found.push(...answer.value.map(toUser));
      }
      return found;
    } catch (error) {
      throw new DependencyUnavailableError('directory', { cause: error });
    }
  }

  /** A next link is followed only to the Graph this deployment uses, so a cursor cannot send the token elsewhere. */
  private isOurs(link: string): boolean {
    try {
      return new URL(link).origin === new URL(this.options.baseUrl).origin;
    } catch {
      return false;
    }
  }

  private clientFor(userToken: string): Client {
    const url = new URL(this.options.baseUrl);
    return Client.initWithMiddleware({
      baseUrl: url.origin,
      customHosts: new Set([url.hostname]),
      authProvider: { getAccessToken: async () => userToken },
      ...(this.options.fetchOptions ? { fetchOptions: this.options.fetchOptions } : {}),
    });
  }
}

/**
 * `"displayName:…" OR "mail:…"`, the query cut to its limit, without control characters, with the quotes
 * and backslashes that would end a clause escaped as Graph's $search wants.
 */
function searchClause(query: string): string {
  const term = query
    .replace(/\p{Cc}/gu, ' ')
    .trim()
    .slice(0, MAX_SEARCH_LENGTH)
    .replace(/[\\"]/g, (c) => `\\${c}`);
  return `"displayName:${term}" OR "mail:${term}"`;
}

function toUser(user: GraphUser): DirectoryUser {
  return {
    objectId: user.id,
    displayName: user.displayName ?? user.userPrincipalName,
    userPrincipalName: user.userPrincipalName,
    ...(user.mail ? { mail: user.mail } : {}),
  };
}
