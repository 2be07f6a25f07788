/**
 * The TPS status fold, pure: the events of a batch into TPS docs, and the changed docs' contributions moved within
 * their kelurahan totals. The live apply (tps-status.projection.ts) and the rebuild's bulk fold (tps-status.bulk.ts)
 * both run it; they differ only in where the docs come from and how the rows are written.
 */
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { TPS_STREAM_PREFIX, type FormPhotoAttached } from '../tps/tps.events.js';
import { emptyStatus, moveTps, type KelurahanTotals } from './kelurahan-tally.js';
import { evolveTps, initialTps, officialDiffColumn, reviewColumn, settleReviews, tpsState, type TpsDoc } from './tps-doc.js';
import { markReusedBy, photoTouches } from './tps-photos.js';
import type { FlaggedPolicy } from './verification.js';

export function tpsIdOf(e: RecordedEvent): string {
  const fromData = (e.data as { tpsId?: unknown }).tpsId;
  return typeof fromData === 'string' ? fromData : e.stream.slice(TPS_STREAM_PREFIX.length);
}

/** Reference data places a TPS; an id it does not know is placed by its digits (kelurahan = first 10, kecamatan = 6). */
export function placeTps(ref: ReferenceData, id: string) {
  return ref.tpsById.get(id) ?? { id, number: Number(id.slice(10)) || 0, kelurahanCode: id.slice(0, 10), kecamatanCode: id.slice(0, 6) };
}

/** A TPS's doc after a batch and the last event that touched it (its row's position). */
export interface FoldedTps {
  doc: TpsDoc;
  last: Pick<RecordedEvent, 'position'>;
}

/** The TPS a batch touches: each event's own, and the one whose photo a photo repeats (that TPS is flagged too). */
export function touchedTps(events: RecordedEvent[]): string[] {
  return [...new Set([...events.map(tpsIdOf), ...events.flatMap((e) => photoTouches(e) ?? [])])];
}

/**
 * Folds a batch into the docs it touches, each starting from `current(id)` (the stored doc; undefined: none yet, start
 * from its initial doc), then settles which tallies count (reviews, flags and the policy).
 */
export function foldTps(
  ref: ReferenceData,
  policy: FlaggedPolicy,
  events: RecordedEvent[],
  current: (id: string) => TpsDoc | undefined,
): Map<string, FoldedTps> {
  const after = new Map<string, FoldedTps>();
  const docOf = (id: string) => after.get(id)?.doc ?? current(id) ?? initialTps(placeTps(ref, id));
  for (const e of events) {
    const id = tpsIdOf(e);
    after.set(id, { doc: evolveTps(docOf(id), e), last: e });
    const other = photoTouches(e);
    if (other) after.set(other, { doc: markReusedBy(docOf(other), e.data as FormPhotoAttached['data']), last: e });
  }
  for (const a of after.values()) a.doc = settleReviews(a.doc, policy);
  return after;
}

/**
 * Moves each changed TPS's contribution within its kelurahan totals (in `totals`, in place): the old doc's taken away,
 * the new one's added, so a later change takes away exactly what this one added. Returns the kelurahan changed.
 */
export function moveContributions(
  totals: Map<string, KelurahanTotals>,
  changes: Iterable<{ before: TpsDoc | null; after: TpsDoc }>,
): string[] {
  const moved = new Set<string>();
  for (const { before, after } of changes) {
    const k = after.kelurahanCode;
    const cur = totals.get(k) ?? { kelurahanCode: k, kecamatanCode: after.kecamatanCode, status: emptyStatus(), contests: {} };
    totals.set(k, moveTps(cur, before, after));
    moved.add(k);
  }
  return [...moved];
}

/** A TPS's rm_tps row, columns in table order (TPS_COLUMNS in tps-status.rows.ts). */
export const tpsRow = ({ doc, last }: FoldedTps) => ({
  tps_id: doc.id,
  kelurahan_code: doc.kelurahanCode,
  state: tpsState(doc),
  checked_in: doc.checkedInAt !== null,
  doc,
  last_commit: last.position.commit.toString(),
  last_prepare: last.position.prepare.toString(),
  review: reviewColumn(doc),
  official_diff: officialDiffColumn(doc),
});
