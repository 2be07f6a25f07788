/** Officer coverage: the check-in deadline, GET /api/coverage of an area, and the live push's query. */
import type { DataSource, QueryRunner } from 'typeorm';
import type { Coverage, CoverageRow, CoverageUpdate } from '../live/live.contract.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { encodeCursor } from './area-cursor.js';
import type { AreaIndex } from './area-index.js';
import { readMissingPage } from './missing-tps.js';
import { rows } from './projection.js';

/** Injectable clock, so tests can stand on election morning. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;

/** The check-in deadline on election day in WIB (UTC+7), e.g. `2024-02-14T07:30:00+07:00`. */
export function checkinDeadline(electionDate: string, hhmm: string): string {
  return `${electionDate}T${hhmm}:00+07:00`;
}

/** GET /api/coverage answers at most this many missing TPS (the first in reference order) and their total. */
export const COVERAGE_MISSING_LIMIT = 1000;

/** Whether the check-in deadline has passed: before it no TPS counts as missing. */
export const deadlinePassed = (now: Date, deadline: string): boolean => now.getTime() >= Date.parse(deadline);

/**
 * GET /api/coverage of an area (any level; the root by default): a page of its kelurahan rows in code order, the first
 * COVERAGE_MISSING_LIMIT TPS without a check-in and how many there are. Bounded by the page, whatever the area.
 */
export async function readCoverage(
  tx: QueryRunner,
  ctx: { ref: ReferenceData; index: AreaIndex },
  at: { deadline: string; now: Date; position: string | null },
  q: { area: string; limit: number; after?: string },
): Promise<Coverage> {
  const codes: string[] = [];
  for (const c of ctx.index.kelurahanOf(q.area, q.after ?? '')) {
    if (c === q.after) continue;
    if (codes.push(c) > q.limit) break;
  }
  const page = codes.slice(0, q.limit);
  const status = await rows<{ kelurahan_code: string; tps_checked_in: number; tps_reported: number }>(
    tx,
    `SELECT kelurahan_code, tps_checked_in, tps_reported FROM rm_kelurahan_status WHERE kelurahan_code = ANY($1)`,
    [page],
  );
  const missing = deadlinePassed(at.now, at.deadline)
    ? await readMissingPage(tx, ctx, q.area, { limit: COVERAGE_MISSING_LIMIT })
    : { tps: [], total: 0 };
  return {
    deadline: at.deadline,
    area: ctx.index.areaRef(q.area),
    rows: coverageRows(
      ctx.ref,
      new Map(status.map((s) => [s.kelurahan_code, { checkedIn: s.tps_checked_in, reported: s.tps_reported }])),
      page,
    ),
    rowsTotal: ctx.index.kelurahanCount(q.area),
    nextCursor: codes.length > q.limit ? encodeCursor(page[page.length - 1]) : null,
    missing: missing.tps.map((t) => ({ tpsId: t.id, kelurahanCode: t.kelurahanCode, officer: null })),
    missingTotal: missing.total,
    position: at.position,
  };
}

/** One monitor per TPS is assigned (docs/domain.md), so `assigned` is the kelurahan's TPS count. Every kelurahan, or `only` these. */
export function coverageRows(
  ref: ReferenceData,
  status: Map<string, { checkedIn: number; reported: number }>,
  only?: string[],
): CoverageRow[] {
  const kelurahan = only ? only.flatMap((c) => ref.kelurahanByCode.get(c) ?? []) : ref.kelurahan;
  return kelurahan.map((k) => ({
    kelurahanCode: k.code,
    name: k.name,
    assigned: k.tpsCount,
    checkedIn: status.get(k.code)?.checkedIn ?? 0,
    reported: status.get(k.code)?.reported ?? 0,
  }));
}

/** The live push (CoverageUpdate): the root's counts and the rows of `codes`, in one statement; never the missing list. */
export async function loadCoverageUpdate(
  ds: DataSource,
  ref: ReferenceData,
  deadline: string,
  now: Date,
  codes: string[],
): Promise<CoverageUpdate> {
  // The root's counts are its own row (kept by the tps-status projection at every level), not a sum over kelurahan.
  const found: { kelurahan_code: string | null; checked_in: number; reported: number }[] = await ds.query(
    `SELECT kelurahan_code, tps_checked_in AS checked_in, tps_reported AS reported FROM rm_kelurahan_status
       WHERE kelurahan_code = ANY($1)
     UNION ALL
     SELECT NULL, tps_checked_in, tps_reported FROM rm_area_status WHERE area_code = $2`,
    [codes, ref.root.code],
  );
  const city = found.find((r) => r.kelurahan_code === null) ?? { checked_in: 0, reported: 0 };
  const status = new Map(
    found.flatMap((r) =>
      r.kelurahan_code === null ? [] : ([[r.kelurahan_code, { checkedIn: r.checked_in, reported: r.reported }]] as const),
    ),
  );
  const assigned = ref.tpsTotal;
  return {
    deadline,
    assigned,
    checkedIn: city.checked_in,
    reported: city.reported,
    missing: deadlinePassed(now, deadline) ? Math.max(0, assigned - city.checked_in) : 0,
    rows: coverageRows(ref, status, codes),
  };
}
