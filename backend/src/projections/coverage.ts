/** Officer coverage: pure helpers for the check-in deadline and the missing list, and the live push's query. */
import type { DataSource } from 'typeorm';
import type { CoverageRow, CoverageUpdate, MissingOfficer } from '../live/live.contract.js';
import type { ReferenceData, Tps } from '../reference/reference-data.js';

/** Injectable clock, so tests can stand on election morning. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;

/** The check-in deadline on election day in WIB (UTC+7), e.g. `2024-02-14T07:30:00+07:00`. */
export function checkinDeadline(electionDate: string, hhmm: string): string {
  return `${electionDate}T${hhmm}:00+07:00`;
}

type Query = Pick<DataSource, 'query'>;

/**
 * TPS without a check-in once the deadline has passed (empty before it), in reference order. With `status` (the
 * kelurahan's check-in counts) only the kelurahan still short of their TPS count are looked at, so a morning where most
 * monitors checked in costs the missing kelurahan's TPS, not every TPS.
 */
export function missingOfficers(
  ref: ReferenceData,
  checkedIn: ReadonlySet<string>,
  now: Date,
  deadline: string,
  status?: ReadonlyMap<string, { checkedIn: number }>,
): MissingOfficer[] {
  if (now.getTime() < Date.parse(deadline)) return [];
  return shortKelurahan(ref, status).flatMap((k) =>
    ref
      .tpsOf(k.code)
      .filter((t) => !checkedIn.has(t.id))
      .map((t) => ({ tpsId: t.id, kelurahanCode: t.kelurahanCode, officer: null })),
  );
}

/** Kelurahan with fewer check-ins than TPS (every kelurahan without counts). */
function shortKelurahan(ref: ReferenceData, status?: ReadonlyMap<string, { checkedIn: number }>) {
  return status ? ref.kelurahan.filter((k) => (status.get(k.code)?.checkedIn ?? 0) < k.tpsCount) : ref.kelurahan;
}

/**
 * The TPS without a check-in, read from the kelurahan counts and the checked-in TPS of the short kelurahan only (the
 * write path accepts only reference TPS, so a kelurahan whose count reached its TPS count has none missing).
 */
export async function loadMissingTps(q: Query, ref: ReferenceData): Promise<Tps[]> {
  const counts: { kelurahan_code: string; tps_checked_in: number }[] = await q.query(
    `SELECT kelurahan_code, tps_checked_in FROM rm_kelurahan_status`,
  );
  const short = shortKelurahan(ref, new Map(counts.map((c) => [c.kelurahan_code, { checkedIn: c.tps_checked_in }])));
  const found: { tps_id: string }[] = await q.query(`SELECT tps_id FROM rm_tps WHERE checked_in AND kelurahan_code = ANY($1)`, [
    short.map((k) => k.code),
  ]);
  const checkedIn = new Set(found.map((r) => r.tps_id));
  return short.flatMap((k) => ref.tpsOf(k.code).filter((t) => !checkedIn.has(t.id)));
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
  const assigned = ref.tpsTotal;
  return {
    deadline,
    assigned,
    checkedIn: city.checked_in,
    reported: city.reported,
    missing: now.getTime() < Date.parse(deadline) ? 0 : Math.max(0, assigned - city.checked_in),
    rows: coverageRows(ref, status, codes),
  };
}
