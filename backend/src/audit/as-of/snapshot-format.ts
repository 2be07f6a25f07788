/**
 * The encoding of the persisted as-of replay (snapshot-store.ts). AS_OF_FORMAT names it: a change to these shapes or
 * to what a delta means (replay-step.ts) bumps it, and the rows of the old format are then ignored and rebuilt.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Contribution, KelurahanTotals } from '../../projections/kelurahan-tally.js';

export const AS_OF_FORMAT = 1;

/** Events [firstN, firstN + at.length) of the log: what each did, column by column. */
export interface ChunkBody {
  /** recordedAt (ms). */
  at: number[];
  /** Largest recordedAt of the log up to and including this event (ms): the cut by time is a search on it. */
  max: number[];
  pos: string[];
  /** The kelurahan whose totals the event changed (null: none). */
  kel: (string | null)[];
  d: (Contribution | null)[];
  /** TPS with a photo after the event. */
  photo: number[];
  /** Kecamatan of each kelurahan named in `kel`. */
  kec: Record<string, string>;
}

export const emptyChunk = (): ChunkBody => ({ at: [], max: [], pos: [], kel: [], d: [], photo: [], kec: {} });

export const encode = (v: unknown): Buffer => gzipSync(JSON.stringify(v), { level: 3 });
export const decode = <T>(b: Buffer): T => JSON.parse(gunzipSync(b).toString('utf8')) as T;

export const encodeKelurahan = (m: Map<string, KelurahanTotals>): Buffer => encode([...m.values()]);
export const decodeKelurahan = (b: Buffer): Map<string, KelurahanTotals> =>
  new Map(decode<KelurahanTotals[]>(b).map((t) => [t.kelurahanCode, t]));

/** The chunk length for a snapshot interval: the largest divisor of it up to 5,000, so chunks never straddle one. */
export function chunkSizeFor(snapshotEvery: number): number {
  let c = Math.min(5000, snapshotEvery);
  while (snapshotEvery % c !== 0) c--;
  return c;
}

/** How many of the chunk's events were all recorded by `ms` (its `max` never decreases). */
export function countWithin(max: number[], ms: number): number {
  let lo = 0;
  let hi = max.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (max[mid] <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
