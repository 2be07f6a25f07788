/**
 * Kelurahan totals kept incrementally: each TPS contributes its current doc; when a batch changes a TPS, its kelurahan
 * loses the old contribution and gains the new one. So a correction replaces the TPS's numbers and never adds to them,
 * and the city summary only sums 72 rows (83,000 at national scale) instead of every TPS. Pure; the SQL is in
 * tps-status.projection.ts.
 */
import { contestFlagged, sumVotes, type TpsDoc } from './tps-doc.js';
import { officialDifference } from './verification.js';

/** Sums for the quick count (quick-count.ts): x = valid votes of a TPS, y = votes of one candidate. */
export interface CandidateSums {
  y: number;
  yy: number;
  xy: number;
}

export interface ContestTotals {
  tpsReported: number;
  tpsFlagged: number;
  validVotes: number;
  invalidVotes: number;
  dptCovered: number;
  sxx: number;
  candidates: Record<string, CandidateSums>;
  /** Tallies left out of the sums above (held, or awaiting review under FLAGGED_TALLIES=hold). */
  tpsHeld: number;
  /** KPU's published results of the same TPS (docs/audit.md). */
  officialTps: number;
  officialValid: number;
  officialCandidates: Record<string, number>;
  officialDiffering: number;
}

export interface StatusTotals {
  tpsCheckedIn: number;
  tpsReported: number;
  tpsFlagged: number;
  openIncidents: number;
  /** TPS with at least one C.Hasil photo. */
  tpsWithPhotos: number;
}

export interface KelurahanTotals {
  kelurahanCode: string;
  kecamatanCode: string;
  status: StatusTotals;
  contests: Record<string, ContestTotals>;
}

export interface Contribution {
  status: StatusTotals;
  contests: Record<string, ContestTotals>;
}

export const emptyStatus = (): StatusTotals => ({ tpsCheckedIn: 0, tpsReported: 0, tpsFlagged: 0, openIncidents: 0, tpsWithPhotos: 0 });
export const emptyContest = (): ContestTotals => ({
  tpsReported: 0,
  tpsFlagged: 0,
  validVotes: 0,
  invalidVotes: 0,
  dptCovered: 0,
  sxx: 0,
  candidates: {},
  tpsHeld: 0,
  officialTps: 0,
  officialValid: 0,
  officialCandidates: {},
  officialDiffering: 0,
});

/** What one TPS adds to its kelurahan: its latest tally per contest and its status counts. */
export function contribution(doc: TpsDoc | null): Contribution {
  if (!doc) return { status: emptyStatus(), contests: {} };
  const contests: Record<string, ContestTotals> = {};
  for (const [code, t] of Object.entries(doc.tallies)) {
    const flagged = contestFlagged(doc, code) ? 1 : 0;
    // A held tally is counted apart, never in the sums or the quick count (settleReviews decided it with the policy).
    if (doc.counted?.[code] === false) {
      contests[code] = { ...emptyContest(), tpsFlagged: flagged, tpsHeld: 1 };
      continue;
    }
    const x = sumVotes(t.form);
    const candidates: Record<string, CandidateSums> = {};
    for (const [n, y] of Object.entries(t.form.votes)) candidates[n] = { y, yy: y * y, xy: x * y };
    contests[code] = {
      ...emptyContest(),
      tpsReported: 1,
      tpsFlagged: flagged,
      validVotes: x,
      invalidVotes: t.form.invalid,
      dptCovered: t.form.voters.dpt,
      sxx: x * x,
      candidates,
    };
  }
  for (const [code, o] of Object.entries(doc.official ?? {})) {
    const c = (contests[code] ??= emptyContest());
    c.officialTps = 1;
    c.officialValid = Object.values(o.votes).reduce((a, b) => a + b, 0);
    c.officialCandidates = { ...o.votes };
    c.officialDiffering = (officialDifference(doc, code)?.absolute ?? 0) > 0 ? 1 : 0;
  }
  const tallied = Object.keys(doc.tallies);
  return {
    status: {
      tpsCheckedIn: doc.checkedInAt ? 1 : 0,
      tpsReported: tallied.length > 0 ? 1 : 0,
      tpsFlagged: tallied.some((c) => contestFlagged(doc, c)) ? 1 : 0,
      openIncidents: doc.openIncidentIds.length,
      tpsWithPhotos: (doc.photos?.length ?? 0) > 0 ? 1 : 0,
    },
    contests,
  };
}

function addContest(into: ContestTotals, c: ContestTotals, sign: 1 | -1): ContestTotals {
  const candidates = { ...into.candidates };
  for (const [n, s] of Object.entries(c.candidates)) {
    const cur = candidates[n] ?? { y: 0, yy: 0, xy: 0 };
    const next = { y: cur.y + sign * s.y, yy: cur.yy + sign * s.yy, xy: cur.xy + sign * s.xy };
    // Dropping all-zero entries keeps an incrementally built row identical to one rebuilt in a single batch.
    if (next.y === 0 && next.yy === 0 && next.xy === 0) delete candidates[n];
    else candidates[n] = next;
  }
  const officialCandidates = { ...into.officialCandidates };
  for (const [n, v] of Object.entries(c.officialCandidates)) {
    const next = (officialCandidates[n] ?? 0) + sign * v;
    if (next === 0) delete officialCandidates[n];
    else officialCandidates[n] = next;
  }
  return {
    tpsHeld: into.tpsHeld + sign * c.tpsHeld,
    officialTps: into.officialTps + sign * c.officialTps,
    officialValid: into.officialValid + sign * c.officialValid,
    officialCandidates,
    officialDiffering: into.officialDiffering + sign * c.officialDiffering,
    tpsReported: into.tpsReported + sign * c.tpsReported,
    tpsFlagged: into.tpsFlagged + sign * c.tpsFlagged,
    validVotes: into.validVotes + sign * c.validVotes,
    invalidVotes: into.invalidVotes + sign * c.invalidVotes,
    dptCovered: into.dptCovered + sign * c.dptCovered,
    sxx: into.sxx + sign * c.sxx,
    candidates,
  };
}

/** `totals` with one TPS's contribution added (sign 1) or taken away (sign -1). */
export function applyContribution<T extends Contribution>(totals: T, c: Contribution, sign: 1 | -1): T {
  const contests = { ...totals.contests };
  for (const [code, ct] of Object.entries(c.contests)) contests[code] = addContest(contests[code] ?? emptyContest(), ct, sign);
  const s = totals.status;
  return {
    ...totals,
    status: {
      tpsCheckedIn: s.tpsCheckedIn + sign * c.status.tpsCheckedIn,
      tpsReported: s.tpsReported + sign * c.status.tpsReported,
      tpsFlagged: s.tpsFlagged + sign * c.status.tpsFlagged,
      openIncidents: s.openIncidents + sign * c.status.openIncidents,
      tpsWithPhotos: s.tpsWithPhotos + sign * c.status.tpsWithPhotos,
    },
    contests,
  };
}

/** Replaces a TPS's old contribution by its new one. */
export function moveTps(totals: KelurahanTotals, before: TpsDoc | null, after: TpsDoc): KelurahanTotals {
  return applyContribution(applyContribution(totals, contribution(before), -1), contribution(after), 1);
}
