/**
 * A results file (CSV or XLSX) written inside one snapshot: the body of GET /api/reports/results, and of the
 * national export benchmark (bench/national-export.ts), so the figure measured is the route's own work.
 */
import type { Writable } from 'node:stream';
import type { QueryRunner } from 'typeorm';
import type { Contests } from '../reference/contests.js';
import { metaLines, readReportMeta } from './report-meta.js';
import { LEVEL_LABEL, levelsBetween, type ResultsQuery } from './report-params.js';
import { resultColumns, type ResultRow } from './result-rows.js';
import type { ResultsSource } from './results-source.js';
import { writeCsv, writeXlsx, type Table } from './table-writers.js';

/**
 * The snapshot of a streamed report may sit idle between its reads while the client drains the file (a phone on a
 * slow link) or the XLSX writes a sheet before the next one's rows are read: up to this long (the session bound is 15 s).
 */
export const REPORT_SNAPSHOT = { idleTimeoutMs: 5 * 60_000 };

/** Writes the file to `out`; `start` runs once the facts are read, just before the first byte (the route's headers). */
export async function writeResultsFile(
  tx: QueryRunner,
  position: string | null,
  source: { results: ResultsSource; contests: Contests },
  q: ResultsQuery,
  out: Writable,
  start: () => void,
): Promise<void> {
  const { results, contests } = source;
  const meta = await readReportMeta(tx, position);
  const total = await results.total(tx, q.area, q.contest);
  const columns = resultColumns(contests.byCode.get(q.contest), results.candidateNumbers(total));
  const levels = q.format === 'csv' ? [q.level] : levelsBetween(q.area.level, q.level);
  const tables: Table<ResultRow>[] = [];
  for (const level of levels) {
    const rows = level === 'tps' ? results.tpsRows(tx, q.area, q.contest) : await results.areaRows(tx, q.area, level, q.contest);
    tables.push({ name: LEVEL_LABEL[level].sheet, columns, rows, total });
  }
  const lines = metaLines(meta, `Hasil hitung ${q.contest}, ${q.area.name}, per ${levels.join(', ')}`);
  start();
  if (q.format === 'csv') await writeCsv(out, lines, tables[0]);
  else await writeXlsx(out, lines, tables);
}
