import { historyLine } from '../../cards/accountCards';
import type { AuditEvent } from '../core/model';

/** The history as a spreadsheet reads it: one event a row, newest first, every field its own column. */
export const HISTORY_CSV_COLUMNS = [
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
] as const;

/**
 * Excel and Sheets start a formula at these characters, even in a quoted field, and a formula can run
 * commands or send the sheet elsewhere (CSV injection). Names and organizations come from other people's
 * directories, so they are made text first.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function historyCsvRow(event: AuditEvent): string {
  return csvLine([
    event.at,
    historyLine(event),
    event.action,
    event.actor.displayName,
    event.actor.tenantId,
    event.actor.objectId,
    event.orgDisplayName ?? '',
    event.tenantId ?? '',
    event.subject?.displayName ?? '',
    event.subject?.objectId ?? '',
    (event.roles ?? []).join(', '),
    event.requestId ?? '',
  ]);
}

/** RFC 4180: every field quoted, quotes doubled, lines ended with CRLF (line breaks inside a field stay in it). */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function csvCell(value: string): string {
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${text.replace(/"/g, '""')}"`;
}

/** A file name for the download: the account's name in plain letters, and the day. */
export function historyFileName(accountName: string, now: Date): string {
  const slug =
    accountName
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .toLowerCase()
      .replace(/[\s_-]+/g, '-')
      .slice(0, 60) || 'account';
  return `${slug}-history-${now.toISOString().slice(0, 10)}.csv`;
}
