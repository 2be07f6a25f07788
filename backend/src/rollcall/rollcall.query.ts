import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { checkinDeadline, loadMissingTps } from '../projections/coverage.js';
import { READ_MODELS, type ReadModels } from '../projections/read-models.port.js';
import { REFERENCE_DATA } from '../reference/reference.module.js';
import type { ReferenceData } from '../reference/reference-data.js';
import type { Monitor, RollCall, TpsMonitor } from './rollcall.contract.js';

@Injectable()
export class RollCallQuery {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(READ_MODELS) private readonly rm: ReadModels,
    @Inject(REFERENCE_DATA) private readonly ref: ReferenceData,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  /** The monitors holding these TPS now (users table), by TPS id. */
  async monitors(tpsIds: string[]): Promise<Map<string, Monitor>> {
    const rows: { nip: string; name: string; phone: string | null; tps_id: string }[] = await this.db.query(
      `SELECT nip, name, phone, tps_id FROM users WHERE role = 'officer' AND tps_id = ANY($1)`,
      [tpsIds],
    );
    return new Map(rows.map((r) => [r.tps_id, { nip: r.nip, name: r.name, phone: r.phone }]));
  }

  async rollCall(now: Date): Promise<RollCall> {
    const deadline = checkinDeadline(this.config.ELECTION_DATE, this.config.CHECKIN_DEADLINE);
    const passed = now.getTime() >= Date.parse(deadline);
    if (!passed) return { deadline, passed, now: now.toISOString(), rows: [] };
    // The missing TPS only (kelurahan counts, then their checked-in TPS): never every TPS of the reference.
    const missing = await loadMissingTps(this.db, this.ref);
    const ids = missing.map((t) => t.id);
    const [views, monitors] = await Promise.all([this.rm.tpsMany(ids).then((v) => new Map(v.map((t) => [t.id, t]))), this.monitors(ids)]);
    return {
      deadline,
      passed,
      now: now.toISOString(),
      rows: missing.map((t) => ({
        tpsId: t.id,
        tpsNumber: t.number,
        kelurahanCode: t.kelurahanCode,
        kelurahanName: this.ref.kelurahanByCode.get(t.kelurahanCode)?.name ?? t.kelurahanCode,
        monitor: monitors.get(t.id) ?? null,
        contactAttempts: views.get(t.id)?.contactAttempts ?? [],
      })),
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
