import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const MAP_BOUNDARIES = Symbol('MAP_BOUNDARIES');

/** The kelurahan boundary file, read once at boot (null when MAP_BOUNDARIES is not set). */
export interface MapBoundaries {
  path: string;
  raw: Buffer;
  /** 10-digit kelurahan codes found in the file. */
  codes: string[];
}

/**
 * Reads and checks the file at boot, so a wrong path or a file that is not a kelurahan FeatureCollection stops the
 * start with a clear message instead of leaving the posko with an empty map on election day.
 */
export function loadMapBoundaries(path: string | undefined): MapBoundaries | null {
  if (!path) return null;
  const full = resolve(path);
  let raw: Buffer;
  let doc: unknown;
  try {
    raw = readFileSync(full);
    doc = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw new Error(`MAP_BOUNDARIES: cannot read ${full} as JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  const fc = doc as { type?: unknown; features?: unknown };
  if (fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw new Error(`MAP_BOUNDARIES: ${full} is not a GeoJSON FeatureCollection`);
  }
  const codes = (fc.features as { properties?: { code?: unknown } }[])
    .map((f) => f.properties?.code)
    .filter((c): c is string => typeof c === 'string' && /^\d{10}$/.test(c));
  if (codes.length === 0) throw new Error(`MAP_BOUNDARIES: no feature in ${full} has a 10-digit "code" property`);
  return { path: full, raw, codes };
}
