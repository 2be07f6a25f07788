/** What the PDF summary shows, read in one snapshot (so every number in it is of one log position). */
import type { QueryRunner } from 'typeorm';
import { loadAreaSums, quickCountSums } from '../projections/area-totals.js';
import { rows } from '../projections/projection.js';
import { estimateShares, type CandidateEstimate } from '../projections/quick-count.js';
import type { Contests } from '../reference/contests.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { readReportMeta, type ReportMeta } from './report-meta.js';
import type { AreaQuery } from './report-params.js';
import type { ResultRow } from './result-rows.js';
import type { ResultsSource } from './results-source.js';

export interface SummaryData {
  query: AreaQuery;
  contestName: string;
  meta: ReportMeta;
  total: ResultRow;
  /** The area's children: kecamatan of the city, kelurahan of a kecamatan, TPS of a kelurahan. */
  childLevel: 'kecamatan' | 'kelurahan' | 'tps';
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
  const childLevel = area.level === 'city' ? 'kecamatan' : area.level === 'kecamatan' ? 'kelurahan' : 'tps';
  const children: ResultRow[] = [];
  if (childLevel === 'tps') for await (const r of deps.results.tpsRows(tx, area, contest)) children.push(r);
  else children.push(...(await deps.results.areaRows(tx, area, childLevel, contest)));
  // The estimate as /api/summary computes it, over the area's TPS.
  const sums = (await loadAreaSums(tx, area.level, contest)).get(area.level === 'city' ? 'city' : area.code);
  const shown = total.totals.tpsReported >= deps.minTps;
  const estimate = { shown, minTps: deps.minTps, candidates: shown ? estimateShares(quickCountSums(sums, total.totals.tpsTotal)) : [] };
  const incidents = await rows<{ category: string; open: string; resolved: string }>(
    tx,
    `SELECT doc->>'category' AS category, count(*) FILTER (WHERE status = 'open') AS open,
       count(*) FILTER (WHERE status = 'resolved') AS resolved
     FROM rm_incident WHERE kelurahan_code = ANY($1) GROUP BY 1 ORDER BY 1`,
    [area.kelurahan],
  );
  const [c] = await rows<{ n: string }>(tx, `SELECT count(*) AS n FROM audit_correction WHERE kelurahan_code = ANY($1) AND contest = $2`, [
    area.kelurahan,
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
