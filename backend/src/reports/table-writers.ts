/**
 * The two file formats of the tabular reports, both streaming: rows are written as they come, never collected. CSV
 * through csv-stringify (UTF-8 with BOM for Excel; the report's own lines first, as `#` comment lines), XLSX through
 * exceljs's streaming WorkbookWriter (a "Keterangan" sheet with the same lines, then one sheet per table with a frozen
 * header, number formats and a bold totals row).
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';

export interface TableColumn<R> {
  key: string;
  header: string;
  numFmt?: string;
  width: number;
  value(r: R): string | number | null;
}

export interface Table<R> {
  /** Sheet name (XLSX). */
  name: string;
  columns: TableColumn<R>[];
  rows: AsyncIterable<R> | Iterable<R>;
  /** Written last, in bold (XLSX). */
  total?: R;
}

/**
 * Every few hundred rows: lets the event loop run (exceljs compresses through zlib, whose results arrive as I/O
 * callbacks: rows produced in one stretch of promises would pile up in memory), then waits while the destination's
 * buffer is full, so a slow client never makes the server hold the file.
 */
async function backpressure(out: Writable): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  if (out.writableNeedDrain) await once(out, 'drain');
}

/**
 * CSV of one table (a CSV has one): `#` lines with the report's own facts, the header, the rows, the total.
 * `escapeFormulas` for free text typed by users (a cell starting with = + - @ is prefixed with a quote).
 */
export async function writeCsv<R>(out: Writable, meta: [string, string][], table: Table<R>, escapeFormulas = false): Promise<void> {
  const csv = stringify({ bom: true, escape_formulas: escapeFormulas, record_delimiter: 'windows' });
  csv.pipe(out, { end: false });
  let n = 0;
  const write = async (record: unknown[]) => {
    if (!csv.write(record)) await once(csv, 'drain');
    if (++n % 500 === 0) await backpressure(out);
  };
  for (const [k, v] of meta) await write([`# ${k}`, v]);
  await write(table.columns.map((c) => c.header));
  for await (const r of table.rows) await write(table.columns.map((c) => c.value(r)));
  if (table.total) await write(table.columns.map((c) => c.value(table.total!)));
  csv.end();
  await once(csv, 'end');
}

/**
 * The data rows of one streamed sheet, as SpreadsheetML written into the sheet's own stream of exceljs's
 * WorkbookWriter, which still writes everything else (workbook, styles, columns, frozen header, zip). exceljs's own
 * row path builds a Row and a Cell object per cell and renders each through its XML writer: at 820,000 rows that was
 * most of a national export (142 s against 48 s for the CSV, docs/benchmarks.md). A cell here is a number (`<v>`), an
 * inline string or, for null, nothing; the style of each column (its number format, bold in the totals row) is
 * registered once with the workbook's styles, as exceljs does for its own cells. Starts after the header row, which
 * exceljs wrote (with `<cols>` and `<sheetData>`); the e2e tests read every file back with exceljs.
 */
class SheetRows {
  private readonly refs: string[];
  private readonly plain: number[];
  private readonly bold: number[];
  private buffer = '';

  constructor(
    wb: ExcelJS.stream.xlsx.WorkbookWriter,
    private readonly ws: ExcelJS.Worksheet,
    columns: { numFmt?: string }[],
    private row: number,
  ) {
    const styles = (wb as unknown as { styles: { addStyleModel(style: object, type: number): number } }).styles;
    this.refs = columns.map((_, i) => columnLetters(i + 1));
    this.plain = columns.map((c) => styles.addStyleModel(c.numFmt ? { numFmt: c.numFmt } : {}, ExcelJS.ValueType.Number));
    this.bold = columns.map((c) =>
      styles.addStyleModel({ ...(c.numFmt ? { numFmt: c.numFmt } : {}), font: { bold: true } }, ExcelJS.ValueType.Number),
    );
  }

  add(values: (string | number | null)[], bold = false): void {
    const r = this.row++;
    const ids = bold ? this.bold : this.plain;
    let xml = `<row r="${r}">`;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const s = ids[i] ? ` s="${ids[i]}"` : '';
      if (typeof v === 'number') {
        if (Number.isFinite(v)) xml += `<c r="${this.refs[i]}${r}"${s}><v>${v}</v></c>`;
      } else if (v !== null && v !== undefined) {
        const text = xmlText(v);
        // Spaces at either end survive only when the element says so.
        const space = text.length > 0 && (text[0] === ' ' || text[text.length - 1] === ' ') ? ' xml:space="preserve"' : '';
        xml += `<c r="${this.refs[i]}${r}"${s} t="inlineStr"><is><t${space}>${text}</t></is></c>`;
      }
    }
    this.buffer += xml + '</row>';
  }

  flush(): void {
    if (!this.buffer) return;
    (this.ws as unknown as { stream: Writable }).stream.write(this.buffer);
    this.buffer = '';
  }
}

/** 1 -> A, 27 -> AA. */
function columnLetters(n: number): string {
  let out = '';
  for (; n > 0; n = Math.floor((n - 1) / 26)) out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
  return out;
}

const XML_ESCAPE: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Text for an XML element: the three markup characters escaped, characters XML cannot hold dropped. */
function xmlText(s: string): string {
  // eslint-disable-next-line no-control-regex -- these control characters are exactly what XML 1.0 cannot hold
  return s.replace(/[&<>]/g, (c) => XML_ESCAPE[c]).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

export async function writeXlsx<R>(out: Writable, meta: [string, string][], tables: Table<R>[]): Promise<void> {
  // zlib level 1: a national sheet of 820,000 rows spent much of its time compressing at the default level, for a file
  // about a quarter larger (docs/benchmarks.md).
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false, zip: { zlib: { level: 1 } } });
  const info = wb.addWorksheet('Keterangan');
  info.columns = [
    { header: 'Keterangan', key: 'k', width: 36 },
    { header: 'Nilai', key: 'v', width: 100 },
  ];
  info.getRow(1).font = { bold: true };
  for (const [k, v] of meta) info.addRow([k, v]).commit();
  info.commit();
  for (const t of tables) {
    const ws = wb.addWorksheet(t.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = t.columns.map((c) => ({ header: c.header, key: c.key, width: c.width }));
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).commit();
    const sheet = new SheetRows(wb, ws, t.columns, 2);
    let n = 0;
    for await (const r of t.rows) {
      sheet.add(t.columns.map((c) => c.value(r)));
      // Often: one event-loop turn moves only about one zlib chunk (16 kB, some 50 rows) through exceljs's zip.
      if (++n % 50 === 0) {
        sheet.flush();
        await backpressure(out);
      }
    }
    if (t.total)
      sheet.add(
        t.columns.map((c) => c.value(t.total!)),
        true,
      );
    sheet.flush();
    ws.commit();
  }
  await wb.commit();
}
