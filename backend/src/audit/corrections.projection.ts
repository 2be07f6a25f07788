/**
 * The city-wide corrections list: one row per TallyCorrected, keyed by its log position, so the auditor's list is an
 * indexed range read newest-first at any scale instead of a scan of the whole log.
 */
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { RowsBulk } from '../projections/bulk-rows.js';
import {
  NO_EFFECT,
  posParams,
  table,
  type BatchContext,
  type BatchEffect,
  type BulkContext,
  type BulkFold,
  type Projection,
} from '../projections/projection.js';
import { placeTps, tpsIdOf } from '../projections/tps-status.projection.js';
import type { ReferenceData } from '../reference/reference-data.js';
import type { TallyCorrected } from '../tps/tps.events.js';

export interface CorrectionRow {
  commit_pos: string;
  prepare_pos: string;
  event_id: string;
  tps_id: string;
  kelurahan_code: string;
  kecamatan_code: string;
  contest: string;
  revision: number;
  corrects_revision: number;
  actor: string;
  role: string;
  server_time: string;
  reason: string;
  diff: TallyCorrected['data']['diff'];
}

/** The row of one TallyCorrected event (pure). */
export function correctionRow(ref: ReferenceData, e: RecordedEvent): CorrectionRow {
  const d = e.data as TallyCorrected['data'];
  const place = placeTps(ref, tpsIdOf(e));
  const [commit, prepare] = posParams(e.position);
  return {
    commit_pos: commit,
    prepare_pos: prepare,
    event_id: e.id,
    tps_id: place.id,
    kelurahan_code: place.kelurahanCode,
    kecamatan_code: place.kecamatanCode,
    contest: d.contest,
    revision: Number(e.revision),
    corrects_revision: d.correctsRevision,
    actor: e.metadata.actor,
    role: e.metadata.role,
    server_time: e.metadata.serverTime,
    reason: d.reason,
    diff: d.diff,
  };
}

export class CorrectionsProjection implements Projection {
  readonly name = 'corrections';
  readonly handles: ReadonlySet<string> = new Set(['TallyCorrected']);
  readonly tables = ['audit_correction'] as const;

  constructor(private readonly ref: ReferenceData) {}

  /** The rebuild's path: the same rows, by COPY. */
  bulk(ctx: BulkContext): BulkFold {
    return new RowsBulk(ctx, 'audit_correction', (events) => events.map((e) => correctionRow(this.ref, e)));
  }

  async apply({ tx, schema }: BatchContext, events: RecordedEvent[]): Promise<BatchEffect> {
    // Upsert by position: re-applying a batch after a checkpoint reset writes the same rows again.
    await tx.query(
      `INSERT INTO ${table(schema, 'audit_correction')} (commit_pos, prepare_pos, event_id, tps_id, kelurahan_code, kecamatan_code,
         contest, revision, corrects_revision, actor, role, server_time, reason, diff)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(commit_pos numeric, prepare_pos numeric, event_id text, tps_id text,
         kelurahan_code text, kecamatan_code text, contest text, revision bigint, corrects_revision bigint, actor text, role text,
         server_time timestamptz, reason text, diff jsonb)
       ON CONFLICT (commit_pos, prepare_pos) DO UPDATE SET event_id = EXCLUDED.event_id, tps_id = EXCLUDED.tps_id,
         kelurahan_code = EXCLUDED.kelurahan_code, kecamatan_code = EXCLUDED.kecamatan_code, contest = EXCLUDED.contest,
         revision = EXCLUDED.revision, corrects_revision = EXCLUDED.corrects_revision, actor = EXCLUDED.actor,
         role = EXCLUDED.role, server_time = EXCLUDED.server_time, reason = EXCLUDED.reason, diff = EXCLUDED.diff`,
      [JSON.stringify(events.map((e) => correctionRow(this.ref, e)))],
    );
    return NO_EFFECT;
  }
}
