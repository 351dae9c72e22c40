import type { AuditEvent } from '../../bot/core/model';
import { csvCell, csvLine, historyCsvRow, historyFileName } from '../../bot/tab/historyCsv';

describe('the history as CSV', () => {
  test.each([
    ['plain text', 'Nestor Wilke', '"Nestor Wilke"'],
    ['quotes doubled', 'Lidia "LH" Holloway', '"Lidia ""LH"" Holloway"'],
    ['commas and line breaks kept inside the quotes', 'a, b\r\nc', '"a, b\r\nc"'],
    ['a formula made text', '=1+2', `"'=1+2"`],
    ['a formula with quotes', '=HYPERLINK("https://x","y")', `"'=HYPERLINK(""https://x"",""y"")"`],
    ['a leading plus', '+1 555 0100', `"'+1 555 0100"`],
    ['a leading minus', '-2+3', `"'-2+3"`],
    ['a leading at sign', '@SUM(A1)', `"'@SUM(A1)"`],
    ['a leading tab', '\t=1', `"'\t=1"`],
    ['a leading carriage return', '\r=1', `"'\r=1"`],
    ['an equals sign later on is text already', 'a=b', '"a=b"'],
    ['empty', '', '""'],
  ])('%s', (_what, value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  test('a line ends with CRLF', () => {
    expect(csvLine(['a', 'b'])).toBe('"a","b"\r\n');
  });

  test('an event becomes one row: when, the sentence, the event, who, where, whom, roles, request', () => {
    const event: AuditEvent = {
      at: '2026-01-02T03:04:05.000Z',
      accountId: 'acct',
      action: 'member.rolesChanged',
      actor: { tenantId: 't1', objectId: 'o1', displayName: 'Nestor Wilke' },
      tenantId: 't2',
      orgDisplayName: 'Contoso Ltd',
      subject: { tenantId: 't2', objectId: 'o2', displayName: 'Alex Wilber' },
      roles: ['Developer', 'Marketer'],
    };
    expect(historyCsvRow(event)).toBe(
      '"2026-01-02T03:04:05.000Z","Nestor Wilke changed the roles of Alex Wilber to Developer, Marketer.",' +
        '"member.rolesChanged","Nestor Wilke","t1","o1","Contoso Ltd","t2","Alex Wilber","o2","Developer, Marketer",""\r\n',
    );
  });

  test('the file is named for the account and the day, in plain letters', () => {
    const day = new Date('2026-03-04T23:59:00Z');
    expect(historyFileName('Adatum Software (Partner Center)', day)).toBe(
      'adatum-software-partner-center-history-2026-03-04.csv',
    );
    expect(historyFileName('Café "Ünïcode"; rm -rf /', day)).toBe(
      'cafe-unicode-rm-rf-history-2026-03-04.csv',
    );
    expect(historyFileName('»«', day)).toBe('account-history-2026-03-04.csv');
  });
});
