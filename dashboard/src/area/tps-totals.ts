import type { CandidateTotal, TallyView, TpsView } from '$contract';
import type { ShownTotals } from './area-types.ts';

/** The latest tally of `contest` at a TPS (its highest revision), or null. */
export function latestTally(t: TpsView, contest: string | null): TallyView | null {
  let best: TallyView | null = null;
  for (const x of t.tallies) if (x.contest === contest && (!best || x.revision > best.revision)) best = x;
  return best;
}

/**
 * One TPS as the counts and bars of the wall show an area: its latest tally of the contest (candidate names from the
 * summary's list), reporting and check-in as 0 or 1 of 1. No quick count at this level.
 */
export function tpsTotals(t: TpsView, contest: string, names: Pick<CandidateTotal, 'number' | 'name'>[]): ShownTotals {
  const tally = latestTally(t, contest);
  const valid = tally?.validVotes ?? 0;
  const candidates = names.map((c) => {
    const votes = tally?.votes[c.number] ?? 0;
    return { number: c.number, name: c.name, votes, share: valid > 0 ? votes / valid : 0 };
  });
  const held = tally !== null && !tally.review.counted;
  const official = t.official.find((o) => o.contest === contest) ?? null;
  return {
    contest,
    candidates,
    validVotes: valid,
    invalidVotes: tally?.invalid ?? 0,
    totalVotes: valid + (tally?.invalid ?? 0),
    dptCovered: tally?.dpt ?? 0,
    tpsTotal: 1,
    tpsReported: tally ? 1 : 0,
    tpsCheckedIn: t.checkedInAt ? 1 : 0,
    tpsFlagged: t.flags.length > 0 ? 1 : 0,
    openIncidents: t.openIncidents,
    tpsHeld: held ? 1 : 0,
    tpsWithPhotos: t.photos.length > 0 ? 1 : 0,
    official: {
      tpsCount: official ? 1 : 0,
      validVotes: official ? Object.values(official.votes).reduce((a, b) => a + b, 0) : 0,
      candidates: official ? Object.entries(official.votes).map(([number, votes]) => ({ number, votes })) : [],
      tpsDiffering: (official?.difference?.absolute ?? 0) > 0 ? 1 : 0,
    },
    estimate: { shown: false, reportedTps: tally ? 1 : 0, minTps: 0, totalTps: 1, candidates: [], method: 'ratio-estimator-cluster-fpc' },
  };
}
