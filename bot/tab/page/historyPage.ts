import { h, localTime } from './dom';
import { messageOf, type Shell } from './shell';
import { api, download } from './teams';

interface HistoryPageAnswer {
  account: string;
  events: { at: string; text: string; action: string }[];
  next?: string;
}

/** The account's history for Managers, newest first, a page at a time, and all of it as a CSV file. */
export class HistoryPage {
  constructor(private readonly shell: Shell) {}

  async show(): Promise<void> {
    // The buttons drawn below belong to this visit too: their answers are for this page alone.
    const stillHere = this.shell.visit();
    try {
      const page = await api<HistoryPageAnswer>('/tab/api/history');
      if (!stillHere()) return;
      const rows = h('tbody', {});
      const older = h('button', { type: 'button', id: 'older' }, 'Show older events');
      const csv = h('button', { type: 'button', id: 'download-csv' }, 'Download CSV');
      const section = h(
        'section',
        { id: 'history', 'aria-labelledby': 'history-heading' },
        h('h2', { id: 'history-heading' }, `What happened in ${page.account}, newest first`),
        h(
          'p',
          {},
          csv,
          ' ',
          h('span', { class: 'subtle' }, 'Every event still kept, one a row, for a spreadsheet.'),
        ),
        page.events.length === 0
          ? h('p', {}, 'Nothing has happened in the account yet.')
          : h(
              'table',
              { class: 'history' },
              h('caption', { class: 'visually-hidden' }, 'History of the account'),
              h(
                'thead',
                {},
                h('tr', {}, h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'What happened')),
              ),
              rows,
            ),
      );
      const append = (answer: HistoryPageAnswer) => {
        for (const event of answer.events) {
          rows.append(
            h(
              'tr',
              {},
              h('td', { 'data-label': 'When' }, h('time', { datetime: event.at }, localTime(event.at))),
              h('td', { 'data-label': 'What happened' }, event.text),
            ),
          );
        }
        if (answer.next) older.dataset.before = answer.next;
        else older.remove();
      };
      append(page);
      const say = (text: string) => {
        if (stillHere()) this.shell.setStatus(text);
      };
      if (page.next) section.append(h('p', {}, older));
      older.addEventListener('click', () => {
        const before = older.dataset.before ?? '';
        const first = rows.children.length;
        void api<HistoryPageAnswer>(`/tab/api/history?before=${encodeURIComponent(before)}`).then(
          (next) => {
            if (!stillHere()) return;
            append(next);
            // The first of the older events, so reading goes on where it stopped.
            (rows.children[first] as HTMLElement | undefined)?.setAttribute('tabindex', '-1');
            (rows.children[first] as HTMLElement | undefined)?.focus();
          },
          (error: unknown) => say(messageOf(error)),
        );
      });
      csv.addEventListener('click', () => {
        this.shell.setStatus('Preparing the download…');
        void download('/tab/api/history.csv').then(
          (name) => say(`Downloaded ${name}.`),
          (error: unknown) => say(messageOf(error)),
        );
      });
      this.shell.content.replaceChildren(section);
    } catch (error) {
      if (!stillHere()) return;
      this.shell.content.replaceChildren();
      this.shell.setStatus(messageOf(error));
    }
  }
}
