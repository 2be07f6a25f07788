/**
 * TPS status and kelurahan totals, written together in each batch so a reader never sees a kelurahan total that
 * disagrees with its TPS rows. Loads the docs a batch touches, folds the events (tps-status.fold.ts: evolveTps, each
 * changed TPS's contribution moved in its kelurahan, kelurahan-tally.ts), moves every area above by the sum of its
 * kelurahan's changes (area-rollup.ts), and upserts the rows: one statement to load, one to write, per batch. A rebuild
 * folds with the same functions in memory and writes by COPY instead (tps-status.bulk.ts).
 */
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { applyDeltas, sumDeltas } from './area-rollup.js';
import { rows, table, type BatchContext, type BatchEffect, type BulkContext, type BulkFold, type Projection } from './projection.js';
import { TPS_STATUS_EVENTS, type TpsDoc } from './tps-doc.js';
import { TpsStatusBulk } from './tps-status.bulk.js';
import { foldTps, moveContributions, placeTps, touchedTps, tpsRow } from './tps-status.fold.js';
import {
  AREA,
  KELURAHAN,
  STATUS_UPSERT,
  statusRows,
  placedAreas,
  placedKelurahan,
  TALLY_UPSERT,
  tallyRows,
  toAreaRollups,
  toTotals,
  TPS_ON_CONFLICT,
  type AreaStatusRow,
  type AreaTallyRow,
  type StatusRow,
  type TallyRow,
} from './tps-status.rows.js';
import type { FlaggedPolicy } from './verification.js';

export { placeTps, tpsIdOf } from './tps-status.fold.js';

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

  bulk(ctx: BulkContext): BulkFold {
    return new TpsStatusBulk(ctx, this.ref, this.policy);
  }

  async apply({ tx, schema }: BatchContext, events: RecordedEvent[]): Promise<BatchEffect> {
    const t = (name: string) => table(schema, name);
    const ids = touchedTps(events);

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

    // 2. Fold the events (pure), then move each changed TPS's contribution within its kelurahan totals. The stored doc
    // keeps what it contributed, so a later batch takes away exactly that.
    const after = foldTps(this.ref, this.policy, events, (id) => before.get(id));
    const original = toTotals(loaded.status, loaded.tallies);
    const totals = new Map(original);
    const kelCodes = moveContributions(
      totals,
      [...after].map(([id, { doc }]) => ({ before: before.get(id) ?? null, after: doc })),
    );

    // 3. Write.
    // Scalars as arrays and the docs as one JSON array zipped by ordinality: several times faster for PostgreSQL than
    // jsonb_to_recordset over whole rows (which turns every row into jsonb and back), the same rows either way.
    // The three upserts as data-modifying CTEs of one statement (each runs once, to completion).
    const changed = [...after.values()].map(tpsRow);
    const saved = kelCodes.map((k) => totals.get(k)!);
    // 3b. Every area above moves by the sum of its kelurahan's changes (new totals minus old), summed in memory first.
    const areas = applyDeltas(
      toAreaRollups(loaded.area_status, loaded.area_tallies),
      sumDeltas(saved.map((k) => ({ kelurahanCode: k.kelurahanCode, before: original.get(k.kelurahanCode), after: k }))),
    );
    const kelRows = placedKelurahan(saved);
    const areaRows = placedAreas(areas);
    await tx.query(
      `WITH tps AS (
         INSERT INTO ${t('rm_tps')} (tps_id, kelurahan_code, state, checked_in, doc, last_commit, last_prepare, review, official_diff)
         SELECT x.tps_id, x.kelurahan_code, x.state, x.checked_in, d.doc::jsonb, x.last_commit, x.last_prepare, x.review, x.official_diff
         FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $6::numeric[], $7::numeric[], $8::text[], $9::int[])
                WITH ORDINALITY AS x(tps_id, kelurahan_code, state, checked_in, last_commit, last_prepare, review, official_diff, n)
         JOIN json_array_elements($5::json) WITH ORDINALITY AS d(doc, n) USING (n)
         ${TPS_ON_CONFLICT}),
       status AS (${STATUS_UPSERT(t('rm_kelurahan_status'), KELURAHAN, '$10')}),
       tally AS (${TALLY_UPSERT(t('rm_kelurahan_tally'), KELURAHAN, '$11')}),
       area_status AS (${STATUS_UPSERT(t('rm_area_status'), AREA, '$12')})
       ${TALLY_UPSERT(t('rm_area_tally'), AREA, '$13')}`,
      [
        changed.map((r) => r.tps_id),
        changed.map((r) => r.kelurahan_code),
        changed.map((r) => r.state),
        changed.map((r) => r.checked_in),
        JSON.stringify(changed.map((r) => r.doc)),
        changed.map((r) => r.last_commit),
        changed.map((r) => r.last_prepare),
        changed.map((r) => r.review),
        changed.map((r) => r.official_diff),
        JSON.stringify(statusRows(kelRows, KELURAHAN)),
        JSON.stringify(tallyRows(kelRows, KELURAHAN)),
        JSON.stringify(statusRows(areaRows, AREA)),
        JSON.stringify(tallyRows(areaRows, AREA)),
      ],
    );
    return { tpsIds: [...after.keys()], kelurahanCodes: kelCodes, incidentIds: [], coverageChanged: true };
  }
}
