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
    // One style object per column, shared by all its cells: exceljs looks a style up by the object's identity
    // (a WeakMap) and otherwise renders and hashes each cell's own copy, which was most of a national export's time.
    // (Never mutated: the cache keeps the first id it computed for an object. The totals row has its own, bold.)
    const styles = t.columns.map((c) => (c.numFmt ? { numFmt: c.numFmt } : {}));
    const bold = styles.map((st) => ({ ...st, font: { bold: true } }));
    const styledRow = (values: unknown[], shared = styles) => {
      const row = ws.addRow(values);
      for (let i = 0; i < shared.length; i++) row.getCell(i + 1).style = shared[i];
      return row;
    };
    let n = 0;
    for await (const r of t.rows) {
      styledRow(t.columns.map((c) => c.value(r))).commit();
      // Often: one event-loop turn moves only about one zlib chunk (16 kB, some 50 rows) through exceljs's zip.
      if (++n % 50 === 0) await backpressure(out);
    }
    if (t.total) {
      styledRow(
        t.columns.map((c) => c.value(t.total!)),
        bold,
      ).commit();
    }
    ws.commit();
  }
  await wb.commit();
}
