import { historyLine } from '../../cards/accountCards';
import type { AccountUsers } from '../core/accountUsers';
import type { Account, Person } from '../core/model';
import type { Clock } from '../core/ports';
import { csvLine, HISTORY_CSV_COLUMNS, historyCsvRow, historyFileName } from './historyCsv';
import type { SsoTokenVerifier } from './ssoToken';
import { asPerson, refused, unauthorized, type TabAnswer } from './tabAnswers';

export interface TabHistoryDeps {
  account: Account;
  users: AccountUsers;
  sso: SsoTokenVerifier;
  clock: Clock;
}

/** Events on the page at a time: a screenful. */
const PAGE_SIZE = 25;
/** Events read from the store at a time for the download: a few hundred KB, written before the next is read. */
const CSV_PAGE_SIZE = 500;
/** Excel opens a UTF-8 file as UTF-8 only when it starts with the byte order mark. */
const UTF8_BOM = '\uFEFF';

/** A CSV download under way: its name, and its text a page of events at a time. */
export interface HistoryDownload {
  fileName: string;
  chunks: AsyncIterable<string>;
}

/** Raised while a download is written: the person stopped being a Manager, and the rest is not theirs to read. */
export class HistoryDownloadRefused extends Error {}

/** The account's history for Managers: the page, newest first, and the whole of it as CSV. */
export class TabHistory {
  constructor(private readonly deps: TabHistoryDeps) {}

  page(authorization: string | undefined, before?: string): Promise<TabAnswer> {
    return asPerson(this.deps.sso, authorization, async (person) => {
      const page = await this.deps.users.history(person, PAGE_SIZE, before?.slice(0, 100) || undefined);
      if (!page.ok) return refused(page.refusal, this.deps.account);
      return {
        status: 200,
        body: {
          account: this.deps.account.displayName,
          events: page.value.events.map((e) => ({ at: e.at, text: historyLine(e), action: e.action })),
          ...(page.value.next ? { next: page.value.next } : {}),
        },
      };
    });
  }

  /** Every event still kept, newest first; the role is checked before the first byte and on every page. */
  async download(authorization: string | undefined): Promise<TabAnswer | HistoryDownload> {
    const person = await this.deps.sso.personOf(authorization);
    if (!person) return unauthorized();
    const { users, account, clock } = this.deps;
    const first = await users.history(person, CSV_PAGE_SIZE);
    if (!first.ok) return refused(first.refusal, account);
    const reader: Person = person;
    const firstPage = first.value;
    async function* chunks(): AsyncGenerator<string> {
      yield UTF8_BOM + csvLine(HISTORY_CSV_COLUMNS);
      let page = firstPage;
      for (;;) {
        yield page.events.map(historyCsvRow).join('');
        if (!page.next) return;
        const next = await users.history(reader, CSV_PAGE_SIZE, page.next);
        if (!next.ok) throw new HistoryDownloadRefused(next.refusal.kind);
        page = next.value;
      }
    }
    return { fileName: historyFileName(account.displayName, clock.now()), chunks: chunks() };
  }
}
