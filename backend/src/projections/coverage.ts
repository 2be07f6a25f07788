/** Officer coverage: pure helpers for the check-in deadline and the missing list, and the live push's query. */
import type { DataSource } from 'typeorm';
import type { CoverageRow, CoverageUpdate, MissingOfficer } from '../live/live.contract.js';
import type { ReferenceData } from '../reference/reference-data.js';

/** Injectable clock, so tests can stand on election morning. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;

/** The check-in deadline on election day in WIB (UTC+7), e.g. `2024-02-14T07:30:00+07:00`. */
export function checkinDeadline(electionDate: string, hhmm: string): string {
  return `${electionDate}T${hhmm}:00+07:00`;
}

/** TPS without a check-in once the deadline has passed (empty before it). */
export function missingOfficers(ref: ReferenceData, checkedIn: ReadonlySet<string>, now: Date, deadline: string): MissingOfficer[] {
  if (now.getTime() < Date.parse(deadline)) return [];
  return ref.tps.filter((t) => !checkedIn.has(t.id)).map((t) => ({ tpsId: t.id, kelurahanCode: t.kelurahanCode, officer: null }));
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

/** The live push (CoverageUpdate): city counts and the rows of `codes`, in one statement; never the missing list. */
export async function loadCoverageUpdate(
  ds: DataSource,
  ref: ReferenceData,
  deadline: string,
  now: Date,
  codes: string[],
): Promise<CoverageUpdate> {
  // The city sums come as a row with a null code: a sum over one small row per kelurahan (83,000 nationally).
  const found: { kelurahan_code: string | null; checked_in: number; reported: number }[] = await ds.query(
    `SELECT kelurahan_code, tps_checked_in AS checked_in, tps_reported AS reported FROM rm_kelurahan_status
       WHERE kelurahan_code = ANY($1)
     UNION ALL
     SELECT NULL, coalesce(sum(tps_checked_in), 0)::int, coalesce(sum(tps_reported), 0)::int FROM rm_kelurahan_status`,
    [codes],
  );
  const city = found.find((r) => r.kelurahan_code === null) ?? { checked_in: 0, reported: 0 };
  const status = new Map(
    found.flatMap((r) =>
      r.kelurahan_code === null ? [] : ([[r.kelurahan_code, { checkedIn: r.checked_in, reported: r.reported }]] as const),
    ),
  );
  const assigned = ref.tps.length;
  return {
    deadline,
    assigned,
    checkedIn: city.checked_in,
    reported: city.reported,
    missing: now.getTime() < Date.parse(deadline) ? 0 : Math.max(0, assigned - city.checked_in),
    rows: coverageRows(ref, status, codes),
  };
}
