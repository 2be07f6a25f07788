/**
 * Area totals from the kelurahan rows: the SQL sums them per city, kecamatan or kelurahan (72 rows here, 83,000 at
 * national scale, never every TPS), and `areaTotals` dresses the sums with names, shares and reference counts.
 */
import type { QueryRunner } from 'typeorm';
import type { AreaTotals, CandidateTotal } from '../live/live.contract.js';
import type { Contest } from '../reference/contests.js';
import { rows } from './projection.js';
import type { QuickCountSums } from './quick-count.js';

export type AreaLevel = 'city' | 'kecamatan' | 'kelurahan';

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

const KEY: Record<AreaLevel, string> = { city: `'city'`, kecamatan: 'kecamatan_code', kelurahan: 'kelurahan_code' };

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

/** Sums per area code (`city` for the city); `only` narrows to one kelurahan. */
export async function loadAreaSums(tx: QueryRunner, level: AreaLevel, contest: string, only?: string): Promise<Map<string, AreaSums>> {
  const key = KEY[level];
  const where = only ? `AND kelurahan_code = $2` : '';
  const params = only ? [contest, only] : [contest];
  const out = new Map<string, AreaSums>();
  const at = (code: string) => out.get(code) ?? out.set(code, emptySums()).get(code)!;

  const totals = await rows<Record<string, string>>(
    tx,
    `SELECT ${key} AS code, sum(tps_reported) AS reported, sum(tps_flagged) AS flagged, sum(valid_votes) AS valid,
       sum(invalid_votes) AS invalid, sum(dpt_covered) AS dpt, sum(sxx) AS sxx, sum(tps_held) AS held,
       sum(official_tps) AS official_tps, sum(official_valid) AS official_valid, sum(official_differing) AS official_differing
     FROM rm_kelurahan_tally WHERE contest = $1 ${where} GROUP BY 1`,
    params,
  );
  for (const r of totals) {
    Object.assign(at(r.code), {
      tpsReported: Number(r.reported),
      tpsFlagged: Number(r.flagged),
      validVotes: Number(r.valid),
      invalidVotes: Number(r.invalid),
      dptCovered: Number(r.dpt),
      sxx: Number(r.sxx),
      tpsHeld: Number(r.held),
      officialTps: Number(r.official_tps),
      officialValid: Number(r.official_valid),
      officialDiffering: Number(r.official_differing),
    });
  }
  const official = await rows<Record<string, string>>(
    tx,
    `SELECT ${key} AS code, e.key AS number, sum(e.value::bigint) AS votes
     FROM rm_kelurahan_tally t, jsonb_each_text(t.official_candidates) AS e WHERE contest = $1 ${where} GROUP BY 1, 2`,
    params,
  );
  for (const r of official) at(r.code).officialCandidates[r.number] = Number(r.votes);
  const candidates = await rows<Record<string, string>>(
    tx,
    `SELECT ${key} AS code, e.key AS number, sum((e.value->>'y')::bigint) AS y, sum((e.value->>'yy')::bigint) AS yy,
       sum((e.value->>'xy')::bigint) AS xy
     FROM rm_kelurahan_tally t, jsonb_each(t.candidates) AS e WHERE contest = $1 ${where} GROUP BY 1, 2`,
    params,
  );
  for (const r of candidates) at(r.code).candidates[r.number] = { y: Number(r.y), yy: Number(r.yy), xy: Number(r.xy) };

  const status = await rows<Record<string, string>>(
    tx,
    `SELECT ${key} AS code, sum(tps_checked_in) AS checked_in, sum(open_incidents) AS open
     FROM rm_kelurahan_status ${only ? 'WHERE kelurahan_code = $1' : ''} GROUP BY 1`,
    only ? [only] : [],
  );
  for (const r of status) Object.assign(at(r.code), { tpsCheckedIn: Number(r.checked_in), openIncidents: Number(r.open) });
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
