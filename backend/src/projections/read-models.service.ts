/**
 * ReadModels over the projection tables. Each answer is read in one REPEATABLE READ snapshot together with the
 * checkpoints, so the position it reports is exactly what the rows reflect.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { comparePositions, isPositionString, positionFromString, positionToString } from '../event-store/position.js';
import type {
  AreaNode,
  AreaTpsPage,
  AreaView,
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
import { areaIndexOf, upperBound, type AreaIndex } from './area-index.js';
import { encodeCursor } from './area-cursor.js';
import { areaEstimate, areaNode, readArea, readAreaTps, strataOf, type AreaReadContext } from './area-reads.js';
import { areaTotals, loadNodeSums, type NodeSums } from './area-totals.js';
import { ChangeFeed } from './change-feed.js';
import { CLOCK, checkinDeadline, loadCoverageUpdate, readCoverage, type Clock } from './coverage.js';
import { posParams, rows } from './projection.js';
import { PROJECTION_NAMES } from './projection-registry.js';
import { inSnapshot, lowestPosition } from './snapshot.js';
import type { IncidentFilter, ListPage, PageRequest, ReadModels } from './read-models.port.js';
import { initialTps, tpsView, type TpsDoc } from './tps-doc.js';

/** incidentRank (live.contract.ts) in SQL: open critical and high incidents sort first. */
const INCIDENT_RANK = `(CASE WHEN status = 'open' AND doc->>'severity' IN ('critical', 'high') THEN 1 ELSE 0 END)`;

/** Past this many changed rows a fresh snapshot is cheaper for a resuming client than the list of changes. */
const CHANGES_LIMIT = 500;

export type ReadModelsConfig = Pick<RuntimeConfig, 'CHECKIN_DEADLINE' | 'ELECTION_DATE' | 'QUICKCOUNT_MIN_TPS'>;

/**
 * The city lists without paging parameters (GET /api/kecamatan, /api/kelurahan, /api/tps) answer at most this many rows
 * and say where the rest continues (docs/scaling.md): the city's 72 kelurahan and 635 TPS fit whole, as before.
 */
export const UNPAGED_LIST_LIMIT = 1000;

@Injectable()
export class ReadModelsService implements ReadModels {
  private readonly index: AreaIndex;
  private readonly areas: AreaReadContext;

  constructor(
    private readonly ds: DataSource,
    @Inject(REFERENCE_DATA) private readonly ref: ReferenceData,
    @Inject(CONTESTS) private readonly contests: Contests,
    @Inject(APP_CONFIG) private readonly config: ReadModelsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly feed: ChangeFeed,
  ) {
    this.index = areaIndexOf(ref);
    this.areas = { ref, index: this.index, contests, minTps: config.QUICKCOUNT_MIN_TPS };
  }

  get changes$() {
    return this.feed.changes$;
  }

  async summary(contest = this.contests.defaultCode): Promise<Summary> {
    return this.snapshot(async (tx, position) => {
      // The root's own row (kept by the tps-status projection at every level): O(1), never a scan of kelurahan or TPS.
      const root = this.ref.root.code;
      const strata = strataOf(this.areas, root);
      const sums = await loadNodeSums(tx, [root, ...(strata ?? [])], contest);
      const [cp] = await rows<{ at: Date | null }>(tx, `SELECT max(last_event_at) AS at FROM proj_checkpoint WHERE name = ANY($1)`, [
        [...PROJECTION_NAMES],
      ]);
      return {
        area: { level: 'city', code: this.ref.city.code, name: this.ref.city.name },
        tpsWithPhotos: sums.get(root)?.tpsWithPhotos ?? 0,
        ...this.totals(root, contest, sums.get(root)),
        estimate: areaEstimate(this.areas, root, sums, strata),
        position,
        updatedAt: cp?.at ? new Date(cp.at).toISOString() : null,
      };
    });
  }

  async kecamatan(contest = this.contests.defaultCode): Promise<KecamatanSummary[]> {
    return (await this.kecamatanPage(contest, { limit: this.index.kecamatanCodes.length })).items;
  }

  async kelurahanList(contest = this.contests.defaultCode): Promise<KelurahanSummary[]> {
    return (await this.kelurahanPage(contest, { limit: this.index.kelurahanCodes.length })).items;
  }

  async tpsList(filter: { state?: TpsState; kelurahan?: string } = {}): Promise<TpsView[]> {
    return (await this.tpsPage(filter, { limit: Math.max(1, this.ref.tpsCount.get(filter.kelurahan ?? this.ref.root.code) ?? 0) })).items;
  }

  async kecamatanPage(contest = this.contests.defaultCode, page: PageRequest = {}): Promise<ListPage<KecamatanSummary>> {
    const codes = pageOf(this.index.kecamatanCodes, page);
    const sums = await this.snapshot((tx) => loadNodeSums(tx, codes.items, contest));
    return {
      items: codes.items.map((code) => ({ code, name: this.index.areaRef(code).name, ...this.totals(code, contest, sums.get(code)) })),
      nextCursor: codes.nextCursor,
    };
  }

  async kelurahanPage(contest = this.contests.defaultCode, page: PageRequest = {}): Promise<ListPage<KelurahanSummary>> {
    const codes = pageOf(this.index.kelurahanCodes, page);
    return { items: await this.kelurahanSummaries(codes.items, contest), nextCursor: codes.nextCursor };
  }

  async kelurahanSummaries(codes: string[], contest = this.contests.defaultCode): Promise<KelurahanSummary[]> {
    const known = codes.filter((c) => this.ref.kelurahanByCode.has(c));
    const sums = await this.snapshot((tx) => loadNodeSums(tx, known, contest));
    return known.map((code) => this.kelurahanSummary(code, contest, sums));
  }

  async kelurahan(code: string, contest = this.contests.defaultCode): Promise<(KelurahanSummary & { tps: TpsView[] }) | null> {
    if (!this.ref.kelurahanByCode.has(code)) return null;
    return this.snapshot(async (tx, position) => {
      const sums = await loadNodeSums(tx, [code], contest);
      // A kelurahan has at most 999 TPS (3-digit numbers): one page holds them all.
      const { tps } = await readAreaTps(tx, this.areas, code, { limit: 999 }, position);
      return { ...this.kelurahanSummary(code, contest, sums), tps };
    });
  }

  async tpsPage(filter: { state?: TpsState; kelurahan?: string } = {}, page: PageRequest = {}): Promise<ListPage<TpsView>> {
    const code = filter.kelurahan ?? this.ref.root.code;
    if (filter.kelurahan && !this.ref.kelurahanByCode.has(filter.kelurahan)) return { items: [], nextCursor: null };
    const limit = page.limit ?? UNPAGED_LIST_LIMIT;
    const answer = await this.snapshot((tx, position) =>
      readAreaTps(tx, this.areas, code, { limit, after: page.after, state: filter.state }, position),
    );
    return { items: answer.tps, nextCursor: answer.nextCursor };
  }

  async area(code: string, opts: { contest?: string; limit: number; after?: string }): Promise<AreaView | null> {
    if (!this.index.has(code)) return null;
    const contest = opts.contest ?? this.contests.defaultCode;
    return this.snapshot((tx, position) => readArea(tx, this.areas, code, { ...opts, contest }, position));
  }

  async areaTps(code: string, opts: { limit: number; after?: string; state?: TpsState }): Promise<AreaTpsPage | null> {
    if (!this.index.has(code)) return null;
    return this.snapshot((tx, position) => readAreaTps(tx, this.areas, code, opts, position));
  }

  async areaNodes(codes: string[], contest = this.contests.defaultCode): Promise<AreaNode[]> {
    const known = codes.filter((c) => this.index.has(c));
    const sums = await this.snapshot((tx) => loadNodeSums(tx, known, contest));
    return known.map((c) => areaNode(this.areas, c, contest, sums.get(c)));
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

  async coverage(q: { area?: string; limit?: number; after?: string } = {}): Promise<Coverage | null> {
    const area = q.area ?? this.ref.root.code;
    if (!this.index.has(area)) return null;
    const deadline = checkinDeadline(this.config.ELECTION_DATE, this.config.CHECKIN_DEADLINE);
    const now = this.clock();
    return this.snapshot((tx, position) =>
      readCoverage(tx, this.areas, { deadline, now, position }, { area, limit: q.limit ?? UNPAGED_LIST_LIMIT, after: q.after }),
    );
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

  private kelurahanSummary(code: string, contest: string, sums: Map<string, NodeSums>): KelurahanSummary {
    const k = this.ref.kelurahanByCode.get(code)!;
    return {
      code,
      name: k.name,
      kecamatanCode: k.kecamatanCode,
      kecamatanName: this.index.areaRef(k.kecamatanCode).name,
      ...this.totals(code, contest, sums.get(code)),
    };
  }

  private totals(code: string, contest: string, sums: NodeSums | undefined) {
    return areaTotals(contest, this.contests.byCode.get(contest), sums, this.ref.tpsCount.get(code) ?? 0);
  }

  private snapshot<T>(fn: (tx: QueryRunner, position: string | null) => Promise<T>): Promise<T> {
    return inSnapshot(this.ds, fn);
  }
}

/** A page of sorted keys after `page.after`: `page.limit` of them, or UNPAGED_LIST_LIMIT when none is asked. */
function pageOf(sorted: readonly string[], page: PageRequest): { items: string[]; nextCursor: string | null } {
  const start = page.after === undefined ? 0 : upperBound(sorted, page.after);
  const items = sorted.slice(start, start + (page.limit ?? UNPAGED_LIST_LIMIT));
  return { items, nextCursor: start + items.length < sorted.length && items.length ? encodeCursor(items[items.length - 1]) : null };
}
