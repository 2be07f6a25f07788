/**
 * TPS status and kelurahan totals, written together in each batch so a reader never sees a kelurahan total that
 * disagrees with its TPS rows. Loads the docs a batch touches, folds the events with the pure evolveTps, moves each
 * changed TPS's contribution in its kelurahan (kelurahan-tally.ts), moves every area above by the sum of its kelurahan's
 * changes (area-rollup.ts), and upserts the rows: one statement to load, one to write, per batch.
 */
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { TPS_STREAM_PREFIX } from '../tps/tps.events.js';
import { applyDeltas, sumDeltas, type AreaRollup } from './area-rollup.js';
import { emptyStatus, moveTps, type Contribution, type KelurahanTotals } from './kelurahan-tally.js';
import { rows, table, type BatchContext, type BatchEffect, type Projection } from './projection.js';
import {
  evolveTps,
  initialTps,
  officialDiffColumn,
  reviewColumn,
  settleReviews,
  TPS_STATUS_EVENTS,
  tpsState,
  type TpsDoc,
} from './tps-doc.js';
import type { FlaggedPolicy } from './verification.js';
import { markReusedBy, photoTouches } from './tps-photos.js';
import type { FormPhotoAttached } from '../tps/tps.events.js';

export function tpsIdOf(e: RecordedEvent): string {
  const fromData = (e.data as { tpsId?: unknown }).tpsId;
  return typeof fromData === 'string' ? fromData : e.stream.slice(TPS_STREAM_PREFIX.length);
}

/** Reference data places a TPS; an id it does not know is placed by its digits (kelurahan = first 10, kecamatan = 6). */
export function placeTps(ref: ReferenceData, id: string) {
  return ref.tpsById.get(id) ?? { id, number: Number(id.slice(10)) || 0, kelurahanCode: id.slice(0, 10), kecamatanCode: id.slice(0, 6) };
}

interface TallyRow {
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

interface StatusRow {
  kelurahan_code: string;
  kecamatan_code: string;
  tps_checked_in: number;
  tps_reported: number;
  tps_flagged: number;
  open_incidents: number;
  tps_with_photos: number;
}

/** The rows of the areas above kelurahan (rm_area_tally, rm_area_status): the same numbers, keyed by area and parent. */
type AreaTallyRow = Omit<TallyRow, 'kelurahan_code' | 'kecamatan_code'> & { area_code: string; parent_code: string | null };
interface AreaStatusRow {
  area_code: string;
  parent_code: string | null;
  tps_checked_in: number;
  tps_reported: number;
  tps_flagged: number;
  open_incidents: number;
  tps_with_photos: number;
}

/** The tables the snapshot reads (snapshot.ts) lock before their snapshot, and a rebuild swaps. */
export const TPS_STATUS_TABLES = ['rm_tps', 'rm_kelurahan_tally', 'rm_kelurahan_status', 'rm_area_status', 'rm_area_tally'] as const;

export class TpsStatusProjection implements Projection {
  readonly name = 'tps-status';
  readonly handles: ReadonlySet<string> = new Set(TPS_STATUS_EVENTS);
  readonly tables = TPS_STATUS_TABLES;

  constructor(
    private readonly ref: ReferenceData,
    /** FLAGGED_TALLIES: whether a tally awaiting review counts (docs/audit.md). */
    private readonly policy: FlaggedPolicy = 'count',
  ) {}

  async apply({ tx, schema }: BatchContext, events: RecordedEvent[]): Promise<BatchEffect> {
    const t = (name: string) => table(schema, name);
    // A photo that repeats another TPS's photo flags that TPS too.
    const ids = [...new Set([...events.map(tpsIdOf), ...events.flatMap((e) => photoTouches(e) ?? [])])];

    // 1. One statement loads the docs this batch touches and the totals of their kelurahan (placed by the reference
    // data, or by the stored doc: a superset of what the fold changes is harmless, only changed totals are written).
    // The areas above those kelurahan come along (at most four per kelurahan, the nation shared by all).
    const [loaded] = await rows<{
      tps: Array<{ tps_id: string; doc: TpsDoc }>;
      status: StatusRow[];
      tallies: TallyRow[];
      area_status: AreaStatusRow[];
      area_tallies: AreaTallyRow[];
    }>(
      tx,
      `WITH codes AS (SELECT unnest($2::text[]) AS code UNION SELECT kelurahan_code FROM ${t('rm_tps')} WHERE tps_id = ANY($1)),
       areas AS (SELECT DISTINCT left(code, n) AS code FROM codes, unnest('{0,2,4,6}'::int[]) AS n)
       SELECT
         (SELECT coalesce(json_agg(json_build_object('tps_id', r.tps_id, 'doc', r.doc)), '[]') FROM ${t('rm_tps')} r
           WHERE r.tps_id = ANY($1)) AS tps,
         (SELECT coalesce(json_agg(s), '[]') FROM ${t('rm_kelurahan_status')} s WHERE s.kelurahan_code IN (SELECT code FROM codes))
           AS status,
         (SELECT coalesce(json_agg(k), '[]') FROM ${t('rm_kelurahan_tally')} k WHERE k.kelurahan_code IN (SELECT code FROM codes))
           AS tallies,
         (SELECT coalesce(json_agg(s), '[]') FROM ${t('rm_area_status')} s WHERE s.area_code IN (SELECT code FROM areas)) AS area_status,
         (SELECT coalesce(json_agg(a), '[]') FROM ${t('rm_area_tally')} a WHERE a.area_code IN (SELECT code FROM areas))
           AS area_tallies`,
      [ids, [...new Set(ids.map((id) => placeTps(this.ref, id).kelurahanCode))]],
    );
    const before = new Map(loaded.tps.map((r) => [r.tps_id, r.doc]));

    // 2. Fold the events (pure).
    const after = new Map<string, { doc: TpsDoc; last: RecordedEvent }>();
    for (const e of events) {
      const id = tpsIdOf(e);
      const doc = after.get(id)?.doc ?? before.get(id) ?? initialTps(placeTps(this.ref, id));
      after.set(id, { doc: evolveTps(doc, e), last: e });
      const other = photoTouches(e);
      if (other) {
        const otherDoc = after.get(other)?.doc ?? before.get(other) ?? initialTps(placeTps(this.ref, other));
        after.set(other, { doc: markReusedBy(otherDoc, e.data as FormPhotoAttached['data']), last: e });
      }
    }

    // 3. Settle which tallies count (reviews, flags and the policy), then move each changed TPS's contribution within
    // its kelurahan totals. The stored doc keeps what it contributed, so a later batch takes away exactly that.
    for (const a of after.values()) a.doc = settleReviews(a.doc, this.policy);
    const kelCodes = [...new Set([...after.values()].map((a) => a.doc.kelurahanCode))];
    const original = toTotals(loaded.status, loaded.tallies);
    const totals = new Map(original);
    for (const [id, { doc }] of after) {
      const k = doc.kelurahanCode;
      const cur = totals.get(k) ?? { kelurahanCode: k, kecamatanCode: doc.kecamatanCode, status: emptyStatus(), contests: {} };
      totals.set(k, moveTps(cur, before.get(id) ?? null, doc));
    }

    // 4. Write.
    // Scalars as arrays and the docs as one JSON array zipped by ordinality: several times faster for PostgreSQL than
    // jsonb_to_recordset over whole rows (which turns every row into jsonb and back), the same rows either way.
    // The three upserts as data-modifying CTEs of one statement (each runs once, to completion).
    const changed = [...after.values()];
    const saved = kelCodes.map((k) => totals.get(k)!);
    // 3b. Every area above moves by the sum of its kelurahan's changes (new totals minus old), summed in memory first.
    const areas = applyDeltas(
      toAreaRollups(loaded.area_status, loaded.area_tallies),
      sumDeltas(saved.map((k) => ({ kelurahanCode: k.kelurahanCode, before: original.get(k.kelurahanCode), after: k }))),
    );
    const kelRows = saved.map((k) => ({ code: k.kelurahanCode, parent: k.kecamatanCode, ...k }));
    const areaRows = areas.map((a) => ({ code: a.areaCode, parent: a.parentCode, ...a }));
    await tx.query(
      `WITH tps AS (
         INSERT INTO ${t('rm_tps')} (tps_id, kelurahan_code, state, checked_in, doc, last_commit, last_prepare, review, official_diff)
         SELECT x.tps_id, x.kelurahan_code, x.state, x.checked_in, d.doc::jsonb, x.last_commit, x.last_prepare, x.review, x.official_diff
         FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $6::numeric[], $7::numeric[], $8::text[], $9::int[])
                WITH ORDINALITY AS x(tps_id, kelurahan_code, state, checked_in, last_commit, last_prepare, review, official_diff, n)
         JOIN json_array_elements($5::json) WITH ORDINALITY AS d(doc, n) USING (n)
         ON CONFLICT (tps_id) DO UPDATE SET state = EXCLUDED.state, checked_in = EXCLUDED.checked_in, doc = EXCLUDED.doc,
           last_commit = EXCLUDED.last_commit, last_prepare = EXCLUDED.last_prepare, review = EXCLUDED.review,
           official_diff = EXCLUDED.official_diff),
       status AS (${STATUS_UPSERT(t('rm_kelurahan_status'), KELURAHAN, '$10')}),
       tally AS (${TALLY_UPSERT(t('rm_kelurahan_tally'), KELURAHAN, '$11')}),
       area_status AS (${STATUS_UPSERT(t('rm_area_status'), AREA, '$12')})
       ${TALLY_UPSERT(t('rm_area_tally'), AREA, '$13')}`,
      [
        changed.map(({ doc }) => doc.id),
        changed.map(({ doc }) => doc.kelurahanCode),
        changed.map(({ doc }) => tpsState(doc)),
        changed.map(({ doc }) => doc.checkedInAt !== null),
        JSON.stringify(changed.map(({ doc }) => doc)),
        changed.map(({ last }) => last.position.commit.toString()),
        changed.map(({ last }) => last.position.prepare.toString()),
        changed.map(({ doc }) => reviewColumn(doc)),
        changed.map(({ doc }) => officialDiffColumn(doc)),
        JSON.stringify(statusRows(kelRows, KELURAHAN)),
        JSON.stringify(tallyRows(kelRows, KELURAHAN)),
        JSON.stringify(statusRows(areaRows, AREA)),
        JSON.stringify(tallyRows(areaRows, AREA)),
      ],
    );
    return { tpsIds: [...after.keys()], kelurahanCodes: kelCodes, incidentIds: [], coverageChanged: true };
  }
}

function toTotals(status: StatusRow[], tallies: TallyRow[]): Map<string, KelurahanTotals> {
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

function toAreaRollups(status: AreaStatusRow[], tallies: AreaTallyRow[]): Map<string, AreaRollup> {
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
interface Place {
  key: string;
  parent: string;
}
const KELURAHAN: Place = { key: 'kelurahan_code', parent: 'kecamatan_code' };
const AREA: Place = { key: 'area_code', parent: 'parent_code' };

type Placed = Contribution & { code: string; parent: string | null };

const statusRows = (totals: Placed[], p: Place) =>
  totals.map((k) => ({
    [p.key]: k.code,
    [p.parent]: k.parent,
    tps_checked_in: k.status.tpsCheckedIn,
    tps_reported: k.status.tpsReported,
    tps_flagged: k.status.tpsFlagged,
    open_incidents: k.status.openIncidents,
    tps_with_photos: k.status.tpsWithPhotos,
  }));

const tallyRows = (totals: Placed[], p: Place) =>
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

const STATUS_UPSERT = (t: string, p: Place, param: string) => `INSERT INTO ${t}
    (${p.key}, ${p.parent}, tps_checked_in, tps_reported, tps_flagged, open_incidents, tps_with_photos)
  SELECT * FROM jsonb_to_recordset(${param}::jsonb) AS x(${p.key} text, ${p.parent} text, tps_checked_in int,
                                                   tps_reported int, tps_flagged int, open_incidents int, tps_with_photos int)
  ON CONFLICT (${p.key}) DO UPDATE SET tps_checked_in = EXCLUDED.tps_checked_in, tps_reported = EXCLUDED.tps_reported,
    tps_flagged = EXCLUDED.tps_flagged, open_incidents = EXCLUDED.open_incidents, tps_with_photos = EXCLUDED.tps_with_photos`;

const TALLY_UPSERT = (t: string, p: Place, param: string) => `INSERT INTO ${t} (${p.key}, contest, ${p.parent}, tps_reported,
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
