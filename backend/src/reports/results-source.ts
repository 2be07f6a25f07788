/**
 * The rows of a results report, read inside one REPEATABLE READ snapshot (projections/snapshot.ts) together with the
 * position: area rows from the kelurahan sums (the same `loadAreaSums` and `areaTotals` the read API answers with), TPS
 * rows from `rm_tps` a page at a time, each TPS dressed by the same `contribution` the kelurahan sums are made of. So
 * at one position the file equals /api/summary, /api/kecamatan, /api/kelurahan and /api/tps exactly.
 */
import type { QueryRunner } from 'typeorm';
import { areaTotals, loadAreaSums, type AreaSums } from '../projections/area-totals.js';
import { contribution, emptyContest } from '../projections/kelurahan-tally.js';
import { rows } from '../projections/projection.js';
import { initialTps, type TpsDoc } from '../projections/tps-doc.js';
import type { Contests } from '../reference/contests.js';
import type { ReferenceData } from '../reference/reference-data.js';
import type { Area, RowLevel } from './report-params.js';
import type { ResultRow } from './result-rows.js';

const TPS_PAGE = 1000;

export class ResultsSource {
  private readonly kecName: Map<string, string>;

  constructor(
    private readonly ref: ReferenceData,
    private readonly contests: Contests,
  ) {
    this.kecName = new Map(ref.kecamatan.map((k) => [k.code, k.name]));
  }

  /** The area's own totals: for the city exactly the totals of /api/summary. */
  async total(tx: QueryRunner, area: Area, contest: string): Promise<ResultRow> {
    const sums = (await loadAreaSums(tx, area.level, contest)).get(area.level === 'city' ? 'city' : area.code);
    const tpsTotal =
      area.level === 'city'
        ? this.ref.tpsTotal
        : area.level === 'kecamatan'
          ? (this.ref.tpsCount.get(area.code) ?? 0)
          : this.ref.kelurahanByCode.get(area.code)!.tpsCount;
    const kec = area.level === 'kecamatan' ? area.name : area.level === 'kelurahan' ? this.kecamatanOf(area.code) : '';
    return {
      level: 'total',
      code: area.code,
      name: `Jumlah ${area.name}`,
      kecamatan: kec,
      kelurahan: area.level === 'kelurahan' ? area.name : '',
      totals: areaTotals(contest, this.contests.byCode.get(contest), sums, tpsTotal),
    };
  }

  /** Kecamatan or kelurahan rows inside the area, in reference order (small: one per area). */
  async areaRows(tx: QueryRunner, area: Area, level: Exclude<RowLevel, 'tps'>, contest: string): Promise<ResultRow[]> {
    const sums = await loadAreaSums(tx, level, contest);
    const c = this.contests.byCode.get(contest);
    const inArea = new Set(area.kelurahan);
    if (level === 'kecamatan') {
      const kecs = new Set(this.ref.kelurahan.filter((k) => inArea.has(k.code)).map((k) => k.kecamatanCode));
      return this.ref.kecamatan
        .filter((k) => kecs.has(k.code))
        .map((k) => ({
          level,
          code: k.code,
          name: k.name,
          kecamatan: k.name,
          kelurahan: '',
          totals: areaTotals(contest, c, sums.get(k.code), this.ref.tpsCount.get(k.code) ?? 0),
        }));
    }
    return this.ref.kelurahan
      .filter((k) => inArea.has(k.code))
      .map((k) => ({
        level,
        code: k.code,
        name: k.name,
        kecamatan: this.kecName.get(k.kecamatanCode) ?? '',
        kelurahan: k.name,
        totals: areaTotals(contest, c, sums.get(k.code), k.tpsCount),
      }));
  }

  /** TPS rows inside the area in id order, read a page at a time on the snapshot's connection. */
  async *tpsRows(tx: QueryRunner, area: Area, contest: string): AsyncGenerator<ResultRow> {
    const inArea = new Set(area.kelurahan);
    // The area's kelurahan in reference order, then their TPS: never a filter over every TPS.
    const tps = this.ref.kelurahan.filter((k) => inArea.has(k.code)).flatMap((k) => this.ref.tpsOf(k.code));
    const c = this.contests.byCode.get(contest);
    const read = (from: number) => {
      if (from >= tps.length) return null;
      const page = rows<{ tps_id: string; doc: TpsDoc }>(tx, `SELECT tps_id, doc FROM rm_tps WHERE tps_id = ANY($1)`, [
        tps.slice(from, from + TPS_PAGE).map((t) => t.id),
      ]);
      // A page asked for and never awaited (the client went away) must not end the process as an unhandled rejection.
      page.catch(() => undefined);
      return page;
    };
    // The next page is asked for before this one's rows are built: PostgreSQL reads it while Node writes the file.
    let next = read(0);
    for (let i = 0; i < tps.length; i += TPS_PAGE) {
      const page = tps.slice(i, i + TPS_PAGE);
      const found = await next!;
      next = read(i + TPS_PAGE);
      const docs = new Map(found.map((r) => [r.tps_id, r.doc]));
      for (const t of page) {
        const own = contribution(docs.get(t.id) ?? initialTps(t));
        const sums: AreaSums = {
          ...(own.contests[contest] ?? emptyContest()),
          tpsCheckedIn: own.status.tpsCheckedIn,
          openIncidents: own.status.openIncidents,
        };
        const kel = this.ref.kelurahanByCode.get(t.kelurahanCode);
        yield {
          level: 'tps',
          code: t.id,
          name: `TPS ${String(t.number).padStart(3, '0')}`,
          kecamatan: this.kecName.get(t.kecamatanCode) ?? '',
          kelurahan: kel?.name ?? '',
          totals: areaTotals(contest, c, sums, 1),
        };
      }
    }
  }

  /** The candidate numbers every row shows: the contest's, then any other number the forms carried. */
  candidateNumbers(total: ResultRow): string[] {
    return total.totals.candidates.map((c) => c.number);
  }

  private kecamatanOf(kelurahanCode: string): string {
    const k = this.ref.kelurahanByCode.get(kelurahanCode);
    return k ? (this.kecName.get(k.kecamatanCode) ?? '') : '';
  }
}
