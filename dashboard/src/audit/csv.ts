import { stringify } from 'csv-stringify/browser/esm/sync';

/**
 * CSV built in the browser from what the screen shows (the filtered corrections, the paper-form comparison: lists the
 * server has no CSV of), with csv-stringify and the same options as the server's history CSV
 * (backend/src/audit/tps-history.ts): every cell quoted, CRLF rows, and a cell starting with = + - @ (or a tab or
 * carriage return) prefixed with ' so a spreadsheet shows it as text instead of running it as a formula: reasons and
 * names are typed by people in the field.
 */
export function toCsv(header: string[], rows: unknown[][]): string {
  const cells = rows.map((r) => r.map((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : v)));
  return stringify([header, ...cells], { quoted: true, quoted_empty: true, record_delimiter: 'windows', escape_formulas: true });
}

/** Hands a Blob to the browser as a file download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the click; a later revoke frees the memory without cancelling it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function saveCsv(filename: string, header: string[], rows: unknown[][]): void {
  saveBlob(new Blob([toCsv(header, rows)], { type: 'text/csv;charset=utf-8' }), filename);
}

/** "2024-02-14-1330" in WIB, for file names that sort by when they were taken. */
export function stamp(d = new Date()): string {
  const p = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Jakarta',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const get = (t: string) => p.find((x) => x.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}-${get('hour')}${get('minute')}`;
}
