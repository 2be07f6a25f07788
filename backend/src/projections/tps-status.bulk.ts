/**
 * The rebuild's bulk fold of tps-status (rebuild.ts step 2): the same fold as the live apply (tps-status.fold.ts), but
 * the docs stay in memory across pages, so a TPS whose check-in and tally are pages apart is written once, and the
 * kelurahan and area totals stay in memory for the whole rebuild and are written once at the end. Rows go in by COPY
 * into the empty, index-free copies.
 *
 * Memory is bounded by `memoryLimit` TPS docs (plus one page's worth): past it, every held doc is written out and
 * dropped. A TPS written before that comes back in a later page is loaded from the copy, its kelurahan gives up the
 * stored doc's contribution at once (so only the new doc is held), and it is written again through a staging table and
 * one upsert.
 */
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { applyDeltas, sumDeltas } from './area-rollup.js';
import { chunks, copyObjects } from './copy-rows.js';
import { applyContribution, contribution, emptyStatus, type KelurahanTotals } from './kelurahan-tally.js';
import { table, type BulkContext, type BulkFold, type BulkWrite } from './projection.js';
import type { TpsDoc } from './tps-doc.js';
import { foldTps, moveContributions, touchedTps, tpsRow, type FoldedTps } from './tps-status.fold.js';
import { AREA, KELURAHAN, placedAreas, placedKelurahan, statusRows, tallyRows, TPS_COLUMNS, TPS_ON_CONFLICT } from './tps-status.rows.js';
import type { FlaggedPolicy } from './verification.js';

interface Held extends FoldedTps {
  /** The copy holds a row of this TPS (an earlier flush wrote it): written again by upsert, not COPY. */
  inCopy: boolean;
}

export class TpsStatusBulk implements BulkFold {
  private held = new Map<string, Held>();
  /** Every kelurahan's totals so far, all TPS written or held included. */
  private readonly totals = new Map<string, KelurahanTotals>();
  private flushedTps = false;

  constructor(
    private readonly ctx: BulkContext,
    private readonly ref: ReferenceData,
    private readonly policy: FlaggedPolicy,
  ) {}

  get full(): boolean {
    return this.held.size > this.ctx.memoryLimit;
  }

  async fold(events: RecordedEvent[]): Promise<void> {
    // Only a TPS an earlier flush wrote can be in the copy; before the first flush there is nothing to look up.
    const missing = this.flushedTps ? touchedTps(events).filter((id) => !this.held.has(id)) : [];
    const stored = new Map<string, TpsDoc>();
    if (missing.length > 0) {
      const found: { tps_id: string; doc: TpsDoc }[] = await this.ctx.db.query(
        `SELECT tps_id, doc FROM ${table(this.ctx.schema, 'rm_tps')} WHERE tps_id = ANY($1)`,
        [missing],
      );
      for (const r of found) {
        stored.set(r.tps_id, r.doc);
        // Its kelurahan gives up what the stored doc contributed; the flush adds what the new doc contributes.
        const k = this.totals.get(r.doc.kelurahanCode) ?? {
          kelurahanCode: r.doc.kelurahanCode,
          kecamatanCode: r.doc.kecamatanCode,
          status: emptyStatus(),
          contests: {},
        };
        this.totals.set(k.kelurahanCode, applyContribution(k, contribution(r.doc), -1));
      }
    }
    const after = foldTps(this.ref, this.policy, events, (id) => this.held.get(id)?.doc ?? stored.get(id));
    // Only the position of the last event is kept (the event itself is several times the doc's size).
    for (const [id, { doc, last }] of after) {
      this.held.set(id, { doc, last: { position: last.position }, inCopy: (this.held.get(id)?.inCopy ?? false) || stored.has(id) });
    }
  }

  flush(final: boolean): BulkWrite[] {
    const held = [...this.held.values()];
    this.held = new Map();
    if (held.length > 0) this.flushedTps = true;
    // Each held TPS adds its contribution once per flush (what the copy held was given up when it was loaded).
    moveContributions(
      this.totals,
      held.map((h) => ({ before: null, after: h.doc })),
    );
    const t = (name: string) => table(this.ctx.schema, name);
    const size = this.ctx.writeRows;
    const cols = TPS_COLUMNS.join(', ');
    const writes: BulkWrite[] = [
      ...chunks(held.filter((h) => !h.inCopy).map(tpsRow), size).map((rows): BulkWrite => ({
        rows: rows.length,
        run: (tx) => copyObjects(tx, t('rm_tps'), rows),
      })),
      ...chunks(held.filter((h) => h.inCopy).map(tpsRow), size).map((rows): BulkWrite => ({
        rows: rows.length,
        run: async (tx) => {
          await tx.query(`CREATE TEMP TABLE rebuild_tps (LIKE ${t('rm_tps')}) ON COMMIT DROP`);
          await copyObjects(tx, 'rebuild_tps', rows);
          await tx.query(`INSERT INTO ${t('rm_tps')} (${cols}) SELECT ${cols} FROM rebuild_tps ${TPS_ON_CONFLICT}`);
        },
      })),
    ];
    if (!final) return writes;
    // The totals once, at the end: every area row is the sum of its kelurahan rows (area-rollup.ts), as built live.
    const kelurahan = [...this.totals.values()];
    const areas = applyDeltas(
      new Map(),
      sumDeltas(kelurahan.map((k) => ({ kelurahanCode: k.kelurahanCode, before: undefined, after: k }))),
    );
    const kelRows = placedKelurahan(kelurahan);
    const areaRows = placedAreas(areas);
    const tables: [string, object[]][] = [
      ['rm_kelurahan_status', statusRows(kelRows, KELURAHAN)],
      ['rm_kelurahan_tally', tallyRows(kelRows, KELURAHAN)],
      ['rm_area_status', statusRows(areaRows, AREA)],
      ['rm_area_tally', tallyRows(areaRows, AREA)],
    ];
    for (const [name, rows] of tables) {
      for (const chunk of chunks(rows, size)) writes.push({ rows: chunk.length, run: (tx) => copyObjects(tx, t(name), chunk) });
    }
    return writes;
  }
}
