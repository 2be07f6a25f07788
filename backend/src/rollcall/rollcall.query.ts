import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { areaIndexOf, type AreaIndex } from '../projections/area-index.js';
import { checkinDeadline, deadlinePassed } from '../projections/coverage.js';
import { readMissingPage } from '../projections/missing-tps.js';
import { inSnapshot } from '../projections/snapshot.js';
import { READ_MODELS, type ReadModels } from '../projections/read-models.port.js';
import { REFERENCE_DATA } from '../reference/reference.module.js';
import type { ReferenceData } from '../reference/reference-data.js';
import type { Monitor, RollCall, TpsMonitor } from './rollcall.contract.js';

@Injectable()
export class RollCallQuery {
  private readonly index: AreaIndex;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(READ_MODELS) private readonly rm: ReadModels,
    @Inject(REFERENCE_DATA) private readonly ref: ReferenceData,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {
    this.index = areaIndexOf(ref);
  }

  /** The monitors holding these TPS now (users table), by TPS id. */
  async monitors(tpsIds: string[]): Promise<Map<string, Monitor>> {
    const rows: { nip: string; name: string; phone: string | null; tps_id: string }[] = await this.db.query(
      `SELECT nip, name, phone, tps_id FROM users WHERE role = 'officer' AND tps_id = ANY($1)`,
      [tpsIds],
    );
    return new Map(rows.map((r) => [r.tps_id, { nip: r.nip, name: r.name, phone: r.phone }]));
  }

  /** A page of the area's TPS without a check-in once the deadline has passed, with monitors and calls; null: no such area. */
  async rollCall(now: Date, q: { area?: string; limit: number; after?: string }): Promise<RollCall | null> {
    const code = q.area ?? this.ref.root.code;
    if (!this.index.has(code)) return null;
    const area = this.index.areaRef(code);
    const deadline = checkinDeadline(this.config.ELECTION_DATE, this.config.CHECKIN_DEADLINE);
    const passed = deadlinePassed(now, deadline);
    const head = { deadline, passed, now: now.toISOString(), area };
    if (!passed) return { ...head, rows: [], total: 0, nextCursor: null };
    // A page of the missing TPS (area counts, then the checked-in TPS of the short kelurahan only): never every TPS.
    const missing = await inSnapshot(this.db, (tx) => readMissingPage(tx, { ref: this.ref, index: this.index }, code, q));
    const ids = missing.tps.map((t) => t.id);
    const [views, monitors] = await Promise.all([this.rm.tpsMany(ids).then((v) => new Map(v.map((t) => [t.id, t]))), this.monitors(ids)]);
    return {
      ...head,
      rows: missing.tps.map((t) => ({
        tpsId: t.id,
        tpsNumber: t.number,
        kelurahanCode: t.kelurahanCode,
        kelurahanName: this.ref.kelurahanByCode.get(t.kelurahanCode)?.name ?? t.kelurahanCode,
        monitor: monitors.get(t.id) ?? null,
        contactAttempts: views.get(t.id)?.contactAttempts ?? [],
      })),
      total: missing.total,
      nextCursor: missing.nextCursor,
    };
  }

  async tpsMonitor(tpsId: string): Promise<TpsMonitor> {
    const [view, monitors] = await Promise.all([this.rm.tps(tpsId), this.monitors([tpsId])]);
    return {
      tpsId,
      monitor: monitors.get(tpsId) ?? null,
      checkedIn: !!view?.checkedInAt,
      contactAttempts: view?.contactAttempts ?? [],
    };
  }
}
