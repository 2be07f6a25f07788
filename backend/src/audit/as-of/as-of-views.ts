/**
 * Replayed totals dressed exactly as the live read API dresses its rows (read-models.service.ts), with the same
 * areaTotals / quickCountSums / estimateShares, so an as-of answer has the live answer's shape and numbers.
 */
import type { KelurahanSummary, Summary } from '../../live/live.contract.js';
import { areaTotals, quickCountSums, type AreaSums } from '../../projections/area-totals.js';
import type { KelurahanTotals } from '../../projections/kelurahan-tally.js';
import { estimateShares } from '../../projections/quick-count.js';
import type { Contests } from '../../reference/contests.js';
import type { ReferenceData } from '../../reference/reference-data.js';

export interface ViewContext {
  ref: ReferenceData;
  contests: Contests;
  minTps: number;
}

/** The sums loadNodeSums would read for these totals: tally counts of the contest, status of the area. */
export function areaSumsOf(t: KelurahanTotals | undefined, contest: string): AreaSums | undefined {
  if (!t) return undefined;
  const c = t.contests[contest];
  return {
    tpsReported: c?.tpsReported ?? 0,
    tpsFlagged: c?.tpsFlagged ?? 0,
    validVotes: c?.validVotes ?? 0,
    invalidVotes: c?.invalidVotes ?? 0,
    dptCovered: c?.dptCovered ?? 0,
    sxx: c?.sxx ?? 0,
    candidates: c?.candidates ?? {},
    tpsCheckedIn: t.status.tpsCheckedIn,
    openIncidents: t.status.openIncidents,
    tpsHeld: c?.tpsHeld ?? 0,
    officialTps: c?.officialTps ?? 0,
    officialValid: c?.officialValid ?? 0,
    officialCandidates: c?.officialCandidates ?? {},
    officialDiffering: c?.officialDiffering ?? 0,
  };
}

export function summaryView(
  ctx: ViewContext,
  contest: string,
  city: KelurahanTotals,
  position: string | null,
  updatedAt: Date | null,
  tpsWithPhotos = 0,
): Summary {
  const sums = areaSumsOf(city, contest);
  const N = ctx.ref.tpsTotal;
  const shown = (sums?.tpsReported ?? 0) >= ctx.minTps;
  return {
    area: { level: 'city', code: ctx.ref.city.code, name: ctx.ref.city.name },
    tpsWithPhotos,
    ...areaTotals(contest, ctx.contests.byCode.get(contest), sums, N),
    estimate: {
      shown,
      reportedTps: sums?.tpsReported ?? 0,
      minTps: ctx.minTps,
      totalTps: N,
      candidates: shown ? estimateShares(quickCountSums(sums, N)) : [],
      method: 'ratio-estimator-cluster-fpc',
    },
    position,
    updatedAt: updatedAt ? updatedAt.toISOString() : null,
  };
}

export function kelurahanViews(ctx: ViewContext, contest: string, totals: Map<string, KelurahanTotals>): KelurahanSummary[] {
  // A map, not a find per row: 83,000 kelurahan x 7,000 kecamatan nationally.
  const kecamatan = new Map(ctx.ref.kecamatan.map((k) => [k.code, k.name]));
  return ctx.ref.kelurahan.map((k) => ({
    code: k.code,
    name: k.name,
    kecamatanCode: k.kecamatanCode,
    kecamatanName: kecamatan.get(k.kecamatanCode) ?? '',
    ...areaTotals(contest, ctx.contests.byCode.get(contest), areaSumsOf(totals.get(k.code), contest), k.tpsCount),
  }));
}
