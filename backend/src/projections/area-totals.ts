/**
 * Area totals: `loadNodeSums` reads the rows the projection keeps for every level (one per area: the read API's and the
 * reports' query); `areaTotals` dresses the sums with names, shares and reference counts.
 */
import type { QueryRunner } from 'typeorm';
import type { AreaTotals, CandidateTotal } from '../live/live.contract.js';
import type { Contest } from '../reference/contests.js';
import { rows } from './projection.js';
import type { QuickCountSums } from './quick-count.js';

export interface AreaSums {
  tpsReported: number;
  tpsFlagged: number;
  validVotes: number;
  invalidVotes: number;
  dptCovered: number;
  sxx: number;
  candidates: Record<string, { y: number; yy: number; xy: number }>;
  tpsCheckedIn: number;
  openIncidents: number;
  tpsHeld: number;
  officialTps: number;
  officialValid: number;
  officialCandidates: Record<string, number>;
  officialDiffering: number;
}

const emptySums = (): AreaSums => ({
  tpsReported: 0,
  tpsFlagged: 0,
  validVotes: 0,
  invalidVotes: 0,
  dptCovered: 0,
  sxx: 0,
  candidates: {},
  tpsCheckedIn: 0,
  openIncidents: 0,
  tpsHeld: 0,
  officialTps: 0,
  officialValid: 0,
  officialCandidates: {},
  officialDiffering: 0,
});

export type NodeSums = AreaSums & { tpsWithPhotos: number };

/**
 * The sums of these areas as kept by the tps-status projection: kelurahan (10 digits) from the kelurahan rows, the
 * areas above (the nation '', 2, 4 and 6 digits) from their own rows (area-rollup.ts). O(codes): one row per area and
 * contest, never a sum over TPS or kelurahan. An area without rows yet is absent from the map (all zero).
 */
export async function loadNodeSums(tx: QueryRunner, codes: readonly string[], contest: string): Promise<Map<string, NodeSums>> {
  const out = new Map<string, NodeSums>();
  const at = (code: string) => out.get(code) ?? out.set(code, { ...emptySums(), tpsWithPhotos: 0 }).get(code)!;
  const kel = codes.filter((c) => c.length === 10);
  const areas = codes.filter((c) => c.length !== 10);
  for (const [kind, list] of [
    ['kelurahan', kel],
    ['area', areas],
  ] as const) {
    if (list.length === 0) continue;
    const key = kind === 'kelurahan' ? 'kelurahan_code' : 'area_code';
    const tallies = await rows<Record<string, unknown> & { code: string }>(
      tx,
      `SELECT ${key} AS code, * FROM rm_${kind}_tally WHERE ${key} = ANY($1) AND contest = $2`,
      [list, contest],
    );
    for (const r of tallies)
      Object.assign(at(r.code), {
        tpsReported: Number(r.tps_reported),
        tpsFlagged: Number(r.tps_flagged),
        validVotes: Number(r.valid_votes),
        invalidVotes: Number(r.invalid_votes),
        dptCovered: Number(r.dpt_covered),
        sxx: Number(r.sxx),
        candidates: r.candidates,
        tpsHeld: Number(r.tps_held),
        officialTps: Number(r.official_tps),
        officialValid: Number(r.official_valid),
        officialCandidates: r.official_candidates,
        officialDiffering: Number(r.official_differing),
      });
    const status = await rows<Record<string, number> & { code: string }>(
      tx,
      `SELECT ${key} AS code, tps_checked_in, open_incidents, tps_with_photos FROM rm_${kind}_status WHERE ${key} = ANY($1)`,
      [list],
    );
    for (const r of status)
      Object.assign(at(r.code), { tpsCheckedIn: r.tps_checked_in, openIncidents: r.open_incidents, tpsWithPhotos: r.tps_with_photos });
  }
  return out;
}

/** The contest's candidates in ballot order, then any number the forms carried that the configuration lacks. */
export function candidateTotals(contest: Contest | undefined, sums: AreaSums): CandidateTotal[] {
  const listed = contest?.candidates ?? [];
  const numbers = [
    ...listed.map((c) => c.number),
    ...Object.keys(sums.candidates)
      .filter((n) => !listed.some((c) => c.number === n))
      .sort(),
  ];
  return numbers.map((number) => {
    const votes = sums.candidates[number]?.y ?? 0;
    return {
      number,
      name: listed.find((c) => c.number === number)?.short ?? number,
      votes,
      share: sums.validVotes > 0 ? votes / sums.validVotes : 0,
    };
  });
}

export function areaTotals(contestCode: string, contest: Contest | undefined, sums: AreaSums | undefined, tpsTotal: number): AreaTotals {
  const s = sums ?? emptySums();
  return {
    contest: contestCode,
    candidates: candidateTotals(contest, s),
    validVotes: s.validVotes,
    invalidVotes: s.invalidVotes,
    totalVotes: s.validVotes + s.invalidVotes,
    dptCovered: s.dptCovered,
    tpsTotal,
    tpsReported: s.tpsReported,
    tpsCheckedIn: s.tpsCheckedIn,
    tpsFlagged: s.tpsFlagged,
    openIncidents: s.openIncidents,
    tpsHeld: s.tpsHeld,
    official: {
      tpsCount: s.officialTps,
      validVotes: s.officialValid,
      candidates: [...new Set([...(contest?.candidates ?? []).map((c) => c.number), ...Object.keys(s.officialCandidates).sort()])].map(
        (number) => ({ number, votes: s.officialCandidates[number] ?? 0 }),
      ),
      tpsDiffering: s.officialDiffering,
    },
  };
}

export function quickCountSums(sums: AreaSums | undefined, totalTps: number): QuickCountSums {
  const s = sums ?? emptySums();
  return { n: s.tpsReported, N: totalTps, sx: s.validVotes, sxx: s.sxx, candidates: s.candidates };
}
