/** What the PDF summary shows, read in one snapshot (so every number in it is of one log position). */
import type { QueryRunner } from 'typeorm';
import { areaIndexOf } from '../projections/area-index.js';
import { areaEstimate, idRange, strataOf } from '../projections/area-reads.js';
import { loadNodeSums } from '../projections/area-totals.js';
import { rows } from '../projections/projection.js';
import type { CandidateEstimate } from '../projections/quick-count.js';
import type { Contests } from '../reference/contests.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { readReportMeta, type ReportMeta } from './report-meta.js';
import { childLevelOf, type AreaQuery, type RowLevel } from './report-params.js';
import type { ResultRow } from './result-rows.js';
import type { ResultsSource } from './results-source.js';

export interface SummaryData {
  query: AreaQuery;
  contestName: string;
  meta: ReportMeta;
  total: ResultRow;
  /** The area's children: provinsi of the nation, kabupaten/kota of a provinsi, kecamatan of a kabupaten/kota, ... TPS of a kelurahan. */
  childLevel: RowLevel;
  children: ResultRow[];
  estimate: { shown: boolean; minTps: number; candidates: CandidateEstimate[] };
  incidents: { category: string; open: number; resolved: number }[];
  corrections: number;
}

export async function readSummaryData(
  tx: QueryRunner,
  position: string | null,
  q: AreaQuery,
  deps: { ref: ReferenceData; contests: Contests; results: ResultsSource; minTps: number },
): Promise<SummaryData> {
  const { area, contest } = q;
  const meta = await readReportMeta(tx, position);
  const total = await deps.results.total(tx, area, contest);
  const childLevel = childLevelOf(area.level);
  const children: ResultRow[] = [];
  if (childLevel === 'tps') for await (const r of deps.results.tpsRows(tx, area, contest)) children.push(r);
  else children.push(...(await deps.results.areaRows(tx, area, childLevel, contest)));
  // The estimate as /api/summary and /api/areas/{code} compute it: stratified by the children above kabupaten/kota.
  const ctx = { ref: deps.ref, index: areaIndexOf(deps.ref), contests: deps.contests, minTps: deps.minTps };
  const strata = strataOf(ctx, area.code);
  const estimate = areaEstimate(ctx, area.code, await loadNodeSums(tx, [area.code, ...(strata ?? [])], contest), strata);
  // The area's kelurahan are the codes in its id range (the nation: all of them).
  const range = idRange(area.code);
  const inArea = `kelurahan_code >= $1 AND ($2::text IS NULL OR kelurahan_code < $2)`;
  const incidents = await rows<{ category: string; open: string; resolved: string }>(
    tx,
    `SELECT doc->>'category' AS category, count(*) FILTER (WHERE status = 'open') AS open,
       count(*) FILTER (WHERE status = 'resolved') AS resolved
     FROM rm_incident WHERE ${inArea} GROUP BY 1 ORDER BY 1`,
    [range.lo, range.hi],
  );
  const [c] = await rows<{ n: string }>(tx, `SELECT count(*) AS n FROM audit_correction WHERE ${inArea} AND contest = $3`, [
    range.lo,
    range.hi,
    contest,
  ]);
  return {
    query: q,
    contestName: deps.contests.byCode.get(contest)?.name ?? contest,
    meta,
    total,
    childLevel,
    children,
    estimate,
    incidents: incidents.map((r) => ({ category: r.category, open: Number(r.open), resolved: Number(r.resolved) })),
    corrections: Number(c?.n ?? 0),
  };
}
