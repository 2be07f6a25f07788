/**
 * The rows of the TPS status tables as PostgreSQL stores them, and back: the kelurahan and area totals to and from
 * their rows, and the upserts. Shared by the live apply (tps-status.projection.ts) and the rebuild's bulk fold
 * (tps-status.bulk.ts).
 */
import type { AreaRollup } from './area-rollup.js';
import { emptyStatus, type Contribution, type KelurahanTotals } from './kelurahan-tally.js';

export interface TallyRow {
  kelurahan_code: string;
  contest: string;
  kecamatan_code: string;
  tps_reported: number;
  tps_flagged: number;
  valid_votes: string;
  invalid_votes: string;
  dpt_covered: string;
  sxx: string;
  candidates: KelurahanTotals['contests'][string]['candidates'];
  tps_held: number;
  official_tps: number;
  official_valid: string;
  official_candidates: Record<string, number>;
  official_differing: number;
}

export interface StatusRow {
  kelurahan_code: string;
  kecamatan_code: string;
  tps_checked_in: number;
  tps_reported: number;
  tps_flagged: number;
  open_incidents: number;
  tps_with_photos: number;
}

/** The rows of the areas above kelurahan (rm_area_tally, rm_area_status): the same numbers, keyed by area and parent. */
export type AreaTallyRow = Omit<TallyRow, 'kelurahan_code' | 'kecamatan_code'> & { area_code: string; parent_code: string | null };
export interface AreaStatusRow {
  area_code: string;
  parent_code: string | null;
  tps_checked_in: number;
  tps_reported: number;
  tps_flagged: number;
  open_incidents: number;
  tps_with_photos: number;
}

/** rm_tps' columns in the order of tpsRow (tps-status.fold.ts). */
export const TPS_COLUMNS = [
  'tps_id',
  'kelurahan_code',
  'state',
  'checked_in',
  'doc',
  'last_commit',
  'last_prepare',
  'review',
  'official_diff',
];

/** What an upsert of a TPS row changes when the row exists (the live apply, and the bulk fold's second write of a TPS). */
export const TPS_ON_CONFLICT = `ON CONFLICT (tps_id) DO UPDATE SET state = EXCLUDED.state, checked_in = EXCLUDED.checked_in,
  doc = EXCLUDED.doc, last_commit = EXCLUDED.last_commit, last_prepare = EXCLUDED.last_prepare, review = EXCLUDED.review,
  official_diff = EXCLUDED.official_diff`;

export function toTotals(status: StatusRow[], tallies: TallyRow[]): Map<string, KelurahanTotals> {
  const out = new Map<string, KelurahanTotals>();
  for (const s of status) {
    out.set(s.kelurahan_code, {
      kelurahanCode: s.kelurahan_code,
      kecamatanCode: s.kecamatan_code,
      status: statusOf(s),
      contests: {},
    });
  }
  for (const r of tallies) {
    const k = out.get(r.kelurahan_code) ?? {
      kelurahanCode: r.kelurahan_code,
      kecamatanCode: r.kecamatan_code,
      status: emptyStatus(),
      contests: {},
    };
    k.contests[r.contest] = contestOf(r);
    out.set(r.kelurahan_code, k);
  }
  return out;
}

export function toAreaRollups(status: AreaStatusRow[], tallies: AreaTallyRow[]): Map<string, AreaRollup> {
  const out = new Map<string, AreaRollup>();
  const at = (code: string, parent: string | null) =>
    out.get(code) ?? out.set(code, { areaCode: code, parentCode: parent, status: emptyStatus(), contests: {} }).get(code)!;
  for (const s of status) at(s.area_code, s.parent_code).status = statusOf(s);
  for (const r of tallies) at(r.area_code, r.parent_code).contests[r.contest] = contestOf(r);
  return out;
}

function statusOf(s: Omit<StatusRow, 'kelurahan_code' | 'kecamatan_code'>): Contribution['status'] {
  return {
    tpsCheckedIn: s.tps_checked_in,
    tpsReported: s.tps_reported,
    tpsFlagged: s.tps_flagged,
    openIncidents: s.open_incidents,
    tpsWithPhotos: s.tps_with_photos,
  };
}

function contestOf(r: Omit<TallyRow, 'kelurahan_code' | 'kecamatan_code'>): Contribution['contests'][string] {
  return {
    tpsReported: r.tps_reported,
    tpsFlagged: r.tps_flagged,
    validVotes: Number(r.valid_votes),
    invalidVotes: Number(r.invalid_votes),
    dptCovered: Number(r.dpt_covered),
    sxx: Number(r.sxx),
    candidates: r.candidates,
    tpsHeld: r.tps_held,
    officialTps: r.official_tps,
    officialValid: Number(r.official_valid),
    officialCandidates: r.official_candidates,
    officialDiffering: r.official_differing,
  };
}

/** Where a row sits: a kelurahan in its kecamatan, or an area above in its parent (the same numbers either way). */
export interface Place {
  key: string;
  parent: string;
}
export const KELURAHAN: Place = { key: 'kelurahan_code', parent: 'kecamatan_code' };
export const AREA: Place = { key: 'area_code', parent: 'parent_code' };

export type Placed = Contribution & { code: string; parent: string | null };

/** Kelurahan totals and area rollups as rows keyed by their code and parent (the same numbers either way). */
export const placedKelurahan = (totals: KelurahanTotals[]): Placed[] =>
  totals.map((k) => ({ code: k.kelurahanCode, parent: k.kecamatanCode, ...k }));
export const placedAreas = (areas: AreaRollup[]): Placed[] => areas.map((a) => ({ code: a.areaCode, parent: a.parentCode, ...a }));

export const statusRows = (totals: Placed[], p: Place) =>
  totals.map((k) => ({
    [p.key]: k.code,
    [p.parent]: k.parent,
    tps_checked_in: k.status.tpsCheckedIn,
    tps_reported: k.status.tpsReported,
    tps_flagged: k.status.tpsFlagged,
    open_incidents: k.status.openIncidents,
    tps_with_photos: k.status.tpsWithPhotos,
  }));

export const tallyRows = (totals: Placed[], p: Place) =>
  totals.flatMap((k) =>
    Object.entries(k.contests).map(([contest, c]) => ({
      [p.key]: k.code,
      contest,
      [p.parent]: k.parent,
      tps_reported: c.tpsReported,
      tps_flagged: c.tpsFlagged,
      valid_votes: c.validVotes,
      invalid_votes: c.invalidVotes,
      dpt_covered: c.dptCovered,
      sxx: c.sxx,
      candidates: c.candidates,
      tps_held: c.tpsHeld,
      official_tps: c.officialTps,
      official_valid: c.officialValid,
      official_candidates: c.officialCandidates,
      official_differing: c.officialDiffering,
    })),
  );

export const STATUS_UPSERT = (t: string, p: Place, param: string) => `INSERT INTO ${t}
    (${p.key}, ${p.parent}, tps_checked_in, tps_reported, tps_flagged, open_incidents, tps_with_photos)
  SELECT * FROM jsonb_to_recordset(${param}::jsonb) AS x(${p.key} text, ${p.parent} text, tps_checked_in int,
                                                   tps_reported int, tps_flagged int, open_incidents int, tps_with_photos int)
  ON CONFLICT (${p.key}) DO UPDATE SET tps_checked_in = EXCLUDED.tps_checked_in, tps_reported = EXCLUDED.tps_reported,
    tps_flagged = EXCLUDED.tps_flagged, open_incidents = EXCLUDED.open_incidents, tps_with_photos = EXCLUDED.tps_with_photos`;

export const TALLY_UPSERT = (t: string, p: Place, param: string) => `INSERT INTO ${t} (${p.key}, contest, ${p.parent}, tps_reported,
    tps_flagged, valid_votes, invalid_votes, dpt_covered, sxx, candidates, tps_held, official_tps, official_valid,
    official_candidates, official_differing)
  SELECT * FROM jsonb_to_recordset(${param}::jsonb) AS x(${p.key} text, contest text, ${p.parent} text, tps_reported int,
    tps_flagged int, valid_votes bigint, invalid_votes bigint, dpt_covered bigint, sxx bigint, candidates jsonb,
    tps_held int, official_tps int, official_valid bigint, official_candidates jsonb, official_differing int)
  ON CONFLICT (${p.key}, contest) DO UPDATE SET tps_reported = EXCLUDED.tps_reported, tps_flagged = EXCLUDED.tps_flagged,
    valid_votes = EXCLUDED.valid_votes, invalid_votes = EXCLUDED.invalid_votes, dpt_covered = EXCLUDED.dpt_covered,
    sxx = EXCLUDED.sxx, candidates = EXCLUDED.candidates, tps_held = EXCLUDED.tps_held,
    official_tps = EXCLUDED.official_tps, official_valid = EXCLUDED.official_valid,
    official_candidates = EXCLUDED.official_candidates, official_differing = EXCLUDED.official_differing`;
