/**
 * ReadModels over the projection tables. Each answer is read in one REPEATABLE READ snapshot together with the
 * checkpoints, so the position it reports is exactly what the rows reflect.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { comparePositions, isPositionString, positionFromString, positionToString } from '../event-store/position.js';
import type {
  Coverage,
  CoverageUpdate,
  IncidentView,
  KecamatanSummary,
  KelurahanSummary,
  Summary,
  TpsState,
  TpsView,
} from '../live/live.contract.js';
import type { Contests } from '../reference/contests.js';
import { CONTESTS, REFERENCE_DATA } from '../reference/reference.module.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { areaTotals, loadAreaSums, quickCountSums } from './area-totals.js';
import { ChangeFeed } from './change-feed.js';
import { CLOCK, checkinDeadline, coverageRows, loadCoverageUpdate, missingOfficers, type Clock } from './coverage.js';
import { posParams, rows } from './projection.js';
import { PROJECTION_NAMES } from './projection-registry.js';
import { inSnapshot, lowestPosition } from './snapshot.js';
import { estimateShares } from './quick-count.js';
import type { IncidentFilter, ReadModels } from './read-models.port.js';
import { initialTps, tpsView, type TpsDoc } from './tps-doc.js';

/** incidentRank (live.contract.ts) in SQL: open critical and high incidents sort first. */
const INCIDENT_RANK = `(CASE WHEN status = 'open' AND doc->>'severity' IN ('critical', 'high') THEN 1 ELSE 0 END)`;

/** Past this many changed rows a fresh snapshot is cheaper for a resuming client than the list of changes. */
const CHANGES_LIMIT = 500;

export type ReadModelsConfig = Pick<RuntimeConfig, 'CHECKIN_DEADLINE' | 'ELECTION_DATE' | 'QUICKCOUNT_MIN_TPS'>;

@Injectable()
export class ReadModelsService implements ReadModels {
  constructor(
    private readonly ds: DataSource,
    @Inject(REFERENCE_DATA) private readonly ref: ReferenceData,
    @Inject(CONTESTS) private readonly contests: Contests,
    @Inject(APP_CONFIG) private readonly config: ReadModelsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly feed: ChangeFeed,
  ) {}

  get changes$() {
    return this.feed.changes$;
  }

  async summary(contest = this.contests.defaultCode): Promise<Summary> {
    return this.snapshot(async (tx, position) => {
      // rm_tps before the kelurahan tables: the order a rebuild's switch-over locks them in (else they deadlock).
      const [photos] = await rows<{ n: number }>(
        tx,
        // Kept per kelurahan by the tps-status projection: a sum over kelurahan rows, never a scan of the TPS rows.
        `SELECT coalesce(sum(tps_with_photos), 0)::int AS n FROM rm_kelurahan_status`,
      );
      const sums = (await loadAreaSums(tx, 'city', contest)).get('city');
      const [cp] = await rows<{ at: Date | null }>(tx, `SELECT max(last_event_at) AS at FROM proj_checkpoint WHERE name = ANY($1)`, [
        [...PROJECTION_NAMES],
      ]);
      const N = this.ref.tps.length;
      const min = this.config.QUICKCOUNT_MIN_TPS;
      const shown = (sums?.tpsReported ?? 0) >= min;
      return {
        area: { level: 'city', code: this.ref.city.code, name: this.ref.city.name },
        tpsWithPhotos: photos?.n ?? 0,
        ...areaTotals(contest, this.contests.byCode.get(contest), sums, N),
        estimate: {
          shown,
          reportedTps: sums?.tpsReported ?? 0,
          minTps: min,
          totalTps: N,
          candidates: shown ? estimateShares(quickCountSums(sums, N)) : [],
          method: 'ratio-estimator-cluster-fpc',
        },
        position,
        updatedAt: cp?.at ? new Date(cp.at).toISOString() : null,
      };
    });
  }

  async kecamatan(contest = this.contests.defaultCode): Promise<KecamatanSummary[]> {
    const sums = await this.snapshot((tx) => loadAreaSums(tx, 'kecamatan', contest));
    return this.ref.kecamatan.map((k) => ({
      code: k.code,
      name: k.name,
      ...areaTotals(contest, this.contests.byCode.get(contest), sums.get(k.code), this.ref.tpsCount.get(k.code) ?? 0),
    }));
  }

  async kelurahanList(contest = this.contests.defaultCode): Promise<KelurahanSummary[]> {
    const sums = await this.snapshot((tx) => loadAreaSums(tx, 'kelurahan', contest));
    return this.ref.kelurahan.map((k) => this.kelurahanSummary(k.code, contest, sums));
  }

  async kelurahan(code: string, contest = this.contests.defaultCode): Promise<(KelurahanSummary & { tps: TpsView[] }) | null> {
    if (!this.ref.kelurahanByCode.has(code)) return null;
    return this.snapshot(async (tx) => {
      const sums = await loadAreaSums(tx, 'kelurahan', contest, code);
      return { ...this.kelurahanSummary(code, contest, sums), tps: await this.tpsIn(tx, { kelurahan: code }) };
    });
  }

  async tpsList(filter: { state?: TpsState; kelurahan?: string } = {}): Promise<TpsView[]> {
    return this.snapshot((tx) => this.tpsIn(tx, filter));
  }

  async tps(id: string): Promise<TpsView | null> {
    return (await this.tpsMany([id]))[0] ?? null;
  }

  async tpsMany(ids: string[]): Promise<TpsView[]> {
    const found: { tps_id: string; doc: TpsDoc }[] = await this.ds.query(`SELECT tps_id, doc FROM rm_tps WHERE tps_id = ANY($1)`, [ids]);
    const docs = new Map(found.map((r) => [r.tps_id, r.doc]));
    return ids.flatMap((id) => {
      const ref = this.ref.tpsById.get(id);
      const doc = docs.get(id) ?? (ref ? initialTps(ref) : null);
      return doc ? [tpsView(doc)] : [];
    });
  }

  async coverage(): Promise<Coverage> {
    return this.snapshot(async (tx, position) => {
      const status = await rows<{ kelurahan_code: string; tps_checked_in: number; tps_reported: number }>(
        tx,
        `SELECT * FROM rm_kelurahan_status`,
      );
      const checkedIn = await rows<{ tps_id: string }>(tx, `SELECT tps_id FROM rm_tps WHERE checked_in`);
      const deadline = checkinDeadline(this.config.ELECTION_DATE, this.config.CHECKIN_DEADLINE);
      return {
        deadline,
        rows: coverageRows(
          this.ref,
          new Map(status.map((s) => [s.kelurahan_code, { checkedIn: s.tps_checked_in, reported: s.tps_reported }])),
        ),
        missing: missingOfficers(this.ref, new Set(checkedIn.map((r) => r.tps_id)), this.clock(), deadline),
        position,
      };
    });
  }

  coverageUpdate(kelurahanCodes: string[]): Promise<CoverageUpdate> {
    return loadCoverageUpdate(
      this.ds,
      this.ref,
      checkinDeadline(this.config.ELECTION_DATE, this.config.CHECKIN_DEADLINE),
      this.clock(),
      kelurahanCodes,
    );
  }

  async incidents(filter: IncidentFilter = {}): Promise<IncidentView[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (filter.ids) where.push(`incident_id = ANY($${params.push(filter.ids)})`);
    if (filter.after) {
      const a = filter.after;
      where.push(
        `(${INCIDENT_RANK}, reported_at, incident_id COLLATE "C") < ($${params.push(a.rank)}::int, $${params.push(a.reportedAt)}::timestamptz, $${params.push(a.incidentId)} COLLATE "C")`,
      );
    }
    const limit = filter.limit !== undefined ? ` LIMIT ${Math.trunc(filter.limit)}` : '';
    const found: { doc: IncidentView }[] = await this.ds.query(
      `SELECT doc FROM rm_incident ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ${INCIDENT_RANK} DESC, reported_at DESC, incident_id COLLATE "C" DESC${limit}`,
      params,
    );
    return found.map((r) => r.doc);
  }

  async position(): Promise<string | null> {
    const p = await lowestPosition(this.ds);
    return p ? positionToString(p) : null;
  }

  async waitForPosition(position: string, timeoutMs: number): Promise<boolean> {
    const target = positionFromString(position);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const now = await lowestPosition(this.ds);
      if (now && comparePositions(now, target) >= 0) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      // Woken by the next local commit, or by the poll for commits made by another instance's runner.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, Math.min(left, 200));
        const sub = this.feed.changes$.subscribe(finish);
        function finish() {
          clearTimeout(timer);
          sub.unsubscribe();
          resolve();
        }
      });
    }
  }

  async changedSince(position: string): Promise<{ tpsIds: string[]; incidentIds: string[] } | null> {
    if (!isPositionString(position)) return null;
    const p = posParams(positionFromString(position));
    const after = `(last_commit, last_prepare) > ($1::numeric, $2::numeric)`;
    const tps: { id: string }[] = await this.ds.query(`SELECT tps_id AS id FROM rm_tps WHERE ${after} LIMIT ${CHANGES_LIMIT + 1}`, p);
    const inc: { id: string }[] = await this.ds.query(
      `SELECT incident_id AS id FROM rm_incident WHERE ${after} LIMIT ${CHANGES_LIMIT + 1}`,
      p,
    );
    if (tps.length + inc.length > CHANGES_LIMIT) return null;
    return { tpsIds: tps.map((r) => r.id).sort(), incidentIds: inc.map((r) => r.id).sort() };
  }

  private kelurahanSummary(code: string, contest: string, sums: Awaited<ReturnType<typeof loadAreaSums>>): KelurahanSummary {
    const k = this.ref.kelurahanByCode.get(code)!;
    const kec = this.ref.kecamatan.find((x) => x.code === k.kecamatanCode);
    return {
      code,
      name: k.name,
      kecamatanCode: k.kecamatanCode,
      kecamatanName: kec?.name ?? '',
      ...areaTotals(contest, this.contests.byCode.get(contest), sums.get(code), k.tpsCount),
    };
  }

  /** Reference TPS merged with projected rows (a TPS nobody reported for yet has no row). */
  private async tpsIn(tx: QueryRunner, filter: { state?: TpsState; kelurahan?: string }): Promise<TpsView[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.kelurahan) where.push(`kelurahan_code = $${params.push(filter.kelurahan)}`);
    if (filter.state && filter.state !== 'no_officer') where.push(`state = $${params.push(filter.state)}`);
    const found = await rows<{ tps_id: string; doc: TpsDoc }>(
      tx,
      `SELECT tps_id, doc FROM rm_tps ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
      params,
    );
    const docs = new Map(found.map((r) => [r.tps_id, r.doc]));
    if (!filter.state || filter.state === 'no_officer') {
      for (const t of this.ref.tps)
        if ((!filter.kelurahan || t.kelurahanCode === filter.kelurahan) && !docs.has(t.id)) docs.set(t.id, initialTps(t));
    }
    const views = [...docs.values()].map(tpsView).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return filter.state ? views.filter((v) => v.state === filter.state) : views;
  }

  private snapshot<T>(fn: (tx: QueryRunner, position: string | null) => Promise<T>): Promise<T> {
    return inSnapshot(this.ds, fn);
  }
}
