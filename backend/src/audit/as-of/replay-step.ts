/**
 * What one event of the log does to the as-of totals: the TPS doc folded with the projections' own evolveTps, and the
 * TPS's new contribution minus its old one (kelurahan-tally.ts), exactly what tps-status applies. The one rule shared
 * by the in-process replay (replay-index.ts) and the persisted snapshots (snapshot-builder.ts).
 */
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import {
  applyContribution,
  contribution,
  emptyStatus,
  type Contribution,
  type KelurahanTotals,
} from '../../projections/kelurahan-tally.js';
import { evolveTps, initialTps, settleReviews, TPS_STATUS_EVENTS, type TpsDoc } from '../../projections/tps-doc.js';
import { tpsIdOf } from '../../projections/tps-status.projection.js';
import { TPS_STREAM_PREFIX } from '../../tps/tps.events.js';

export interface TpsPlace {
  id: string;
  number: number;
  kelurahanCode: string;
  kecamatanCode: string;
}

export interface StepResult {
  tpsId: string;
  after: TpsDoc;
  kelurahanCode: string;
  kecamatanCode: string;
  /** null when the event changed no total. */
  delta: Contribution | null;
  /** The TPS got its first photo with this event. */
  firstPhoto: boolean;
}

const HANDLED: ReadonlySet<string> = new Set(TPS_STATUS_EVENTS);

export const totalsOf = (kelurahanCode: string, kecamatanCode: string): KelurahanTotals => ({
  kelurahanCode,
  kecamatanCode,
  status: emptyStatus(),
  contests: {},
});

/** Whether the event changes a TPS doc (and which): other events only advance the log. */
export function tpsOfEvent(e: RecordedEvent): string | null {
  return HANDLED.has(e.type) && e.stream.startsWith(TPS_STREAM_PREFIX) ? tpsIdOf(e) : null;
}

/** new - old, with all-zero parts dropped; null when the event changed no total. */
export function deltaOf(before: Contribution, after: Contribution): Contribution | null {
  const d = applyContribution(applyContribution(totalsOf('', ''), before, -1), after, 1);
  const contests = Object.fromEntries(
    Object.entries(d.contests).filter(
      ([, c]) =>
        Object.keys(c.candidates).length > 0 ||
        Object.keys(c.officialCandidates).length > 0 ||
        Object.values(c).some((v) => typeof v === 'number' && v !== 0),
    ),
  );
  const statusChanged = Object.values(d.status).some((v) => v !== 0);
  return statusChanged || Object.keys(contests).length > 0 ? { status: d.status, contests } : null;
}

/** Folds a TPS event (tpsOfEvent(e) !== null) onto the TPS's doc before it (null: its first event). */
export function stepTps(before: TpsDoc | null, e: RecordedEvent, place: (tpsId: string) => TpsPlace): StepResult {
  const tpsId = tpsIdOf(e);
  // Replays settle reviews with the default policy (FLAGGED_TALLIES=count): holds leave the totals as live.
  const after = settleReviews(evolveTps(before ?? initialTps(place(tpsId)), e), 'count');
  return {
    tpsId,
    after,
    kelurahanCode: after.kelurahanCode,
    kecamatanCode: after.kecamatanCode,
    delta: deltaOf(contribution(before), contribution(after)),
    firstPhoto: !before?.photos?.length && !!after.photos?.length,
  };
}

/** `totals` with one event's delta added (sign 1) or taken away (sign -1); a kelurahan not seen yet starts empty. */
export function applyDelta(
  kelurahan: Map<string, KelurahanTotals>,
  code: string,
  kecamatanCode: string,
  d: Contribution,
  sign: 1 | -1,
): void {
  kelurahan.set(code, applyContribution(kelurahan.get(code) ?? totalsOf(code, kecamatanCode), d, sign));
}
