/**
 * The rows of a results report, read inside one REPEATABLE READ snapshot (projections/snapshot.ts) together with the
 * position: area rows (provinsi down to kelurahan) from each area's own row (the same `loadNodeSums` and `areaTotals`
 * the read API answers with), TPS rows from `rm_tps` a page at a time, each TPS dressed by the same `contribution` the
 * kelurahan sums are made of. So at one position the file equals /api/summary, /api/areas/{code}, /api/kecamatan,
 * /api/kelurahan and /api/tps exactly.
 */
import type { QueryRunner } from 'typeorm';
import { areaIndexOf, type AreaIndex } from '../projections/area-index.js';
import { areaTotals, loadNodeSums, type AreaSums } from '../projections/area-totals.js';
import { contribution, emptyContest } from '../projections/kelurahan-tally.js';
import { rows } from '../projections/projection.js';
import { initialTps, type TpsDoc } from '../projections/tps-doc.js';
import type { Contests } from '../reference/contests.js';
import { CODE_LENGTH, type ReferenceData } from '../reference/reference-data.js';
import type { Area, RowLevel } from './report-params.js';
import type { ResultRow } from './result-rows.js';

const TPS_PAGE = 1000;

export class ResultsSource {
  private readonly index: AreaIndex;

  constructor(
    private readonly ref: ReferenceData,
    private readonly contests: Contests,
  ) {
    this.index = areaIndexOf(ref);
  }

  /** The area's own totals, from its own row: for the root exactly the totals of /api/summary. */
  async total(tx: QueryRunner, area: Area, contest: string): Promise<ResultRow> {
    const sums = await loadNodeSums(tx, [area.code], contest);
    return {
      ...this.place('total', area.code),
      name: `Jumlah ${area.name}`,
      totals: areaTotals(contest, this.contests.byCode.get(contest), sums.get(area.code), this.ref.tpsCount.get(area.code) ?? 0),
    };
  }

  /** The rows of one level inside the area, in code order, from each area's own row (one per area, never a sum over TPS). */
  async areaRows(tx: QueryRunner, area: Area, level: Exclude<RowLevel, 'tps'>, contest: string): Promise<ResultRow[]> {
    const codes = level === 'kelurahan' ? [...this.index.kelurahanOf(area.code)] : this.descendants(area.code, CODE_LENGTH[level]);
    const sums = await loadNodeSums(tx, codes, contest);
    const c = this.contests.byCode.get(contest);
    return codes.map((code) => ({
      ...this.place(level, code),
      totals: areaTotals(contest, c, sums.get(code), this.ref.tpsCount.get(code) ?? 0),
    }));
  }

  /** TPS rows inside the area in id order, read a page at a time on the snapshot's connection. */
  async *tpsRows(tx: QueryRunner, area: Area, contest: string): AsyncGenerator<ResultRow> {
    // The area's kelurahan in code order, then their TPS: never a filter over every TPS.
    const tps = [...this.index.kelurahanOf(area.code)].flatMap((k) => this.ref.tpsOf(k));
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
        yield {
          ...this.place('tps', t.kelurahanCode),
          level: 'tps',
          code: t.id,
          name: `TPS ${String(t.number).padStart(3, '0')}`,
          totals: areaTotals(contest, c, sums, 1),
        };
      }
    }
  }

  /** The candidate numbers every row shows: the contest's, then any other number the forms carried. */
  candidateNumbers(total: ResultRow): string[] {
    return total.totals.candidates.map((c) => c.number);
  }

  /**
   * Where a row sits: its level, code and name, and the names of the kecamatan and kelurahan it lies in (a kecamatan
   * row names itself as its kecamatan; rows above kecamatan leave both empty).
   */
  private place(level: string, code: string): Omit<ResultRow, 'totals'> {
    const name = (c: string) => (code.length >= c.length ? this.index.areaRef(c).name : '');
    return {
      level,
      code,
      name: this.index.areaRef(code).name,
      kecamatan: code.length >= 6 ? name(code.slice(0, 6)) : '',
      kelurahan: code.length >= 10 ? name(code.slice(0, 10)) : '',
    };
  }

  /** The areas of code length `length` inside `code`, in code order, down the area index's children. */
  private descendants(code: string, length: number): string[] {
    let level = [code];
    while (level.length && level[0].length < length) level = level.flatMap((c) => this.index.children(c));
    return level;
  }
}
