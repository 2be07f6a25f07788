/**
 * Totals of the areas above kelurahan (the nation '', provinsi, kabupaten/kota, kecamatan), kept like the kelurahan
 * totals (kelurahan-tally.ts): a batch's change of each kelurahan (its new totals minus its old) is summed per ancestor
 * in memory first, then each ancestor's row moves by its summed delta once. So a batch costs the same statements
 * whatever the number of levels, and an ancestor's row always equals the sum of its kelurahan rows. Pure; the SQL is in
 * tps-status.projection.ts.
 */
import { applyContribution, emptyStatus, type Contribution } from './kelurahan-tally.js';

export interface AreaRollup extends Contribution {
  areaCode: string;
  /** The area one level up; null for the nation. */
  parentCode: string | null;
}

/** Code lengths of the levels kept here, top down (reference-data.ts CODE_LENGTH): nation, provinsi, kabupaten, kecamatan. */
export const ROLLUP_LENGTHS = [0, 2, 4, 6] as const;

/** The areas above a kelurahan (or any code), top down: '', its first 2, 4 and 6 digits (those shorter than it). */
export function ancestorCodes(code: string): string[] {
  return ROLLUP_LENGTHS.filter((n) => n < code.length).map((n) => code.slice(0, n));
}

/** The area one level up: null for the nation, '' for a province, the first 2/4/6 digits below that. */
export function parentCodeOf(code: string): string | null {
  if (code.length === 0) return null;
  const up = ancestorCodes(code);
  return up[up.length - 1];
}

export interface KelurahanChange {
  kelurahanCode: string;
  /** Its totals before the batch (undefined: it had no row). */
  before: Contribution | undefined;
  after: Contribution;
}

/** Each ancestor's delta: the sum over its changed kelurahan of (after - before). */
export function sumDeltas(changes: KelurahanChange[]): Map<string, Contribution> {
  const deltas = new Map<string, Contribution>();
  for (const c of changes) {
    for (const code of ancestorCodes(c.kelurahanCode)) {
      let d = deltas.get(code) ?? { status: emptyStatus(), contests: {} };
      d = applyContribution(d, c.after, 1);
      if (c.before) d = applyContribution(d, c.before, -1);
      deltas.set(code, d);
    }
  }
  return deltas;
}

/** The ancestors' new rows: each loaded row (or an empty one) moved by its delta. */
export function applyDeltas(loaded: Map<string, AreaRollup>, deltas: Map<string, Contribution>): AreaRollup[] {
  return [...deltas].map(([code, d]) =>
    applyContribution(loaded.get(code) ?? { areaCode: code, parentCode: parentCodeOf(code), status: emptyStatus(), contests: {} }, d, 1),
  );
}
