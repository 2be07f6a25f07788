/** Officer coverage: pure helpers for the check-in deadline and the missing list. */
import type { CoverageRow, MissingOfficer } from '../live/live.contract.js';
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

/** One monitor per TPS is assigned (docs/domain.md), so `assigned` is the kelurahan's TPS count. */
export function coverageRows(ref: ReferenceData, status: Map<string, { checkedIn: number; reported: number }>): CoverageRow[] {
  return ref.kelurahan.map((k) => ({
    kelurahanCode: k.code,
    name: k.name,
    assigned: k.tpsCount,
    checkedIn: status.get(k.code)?.checkedIn ?? 0,
    reported: status.get(k.code)?.reported ?? 0,
  }));
}
