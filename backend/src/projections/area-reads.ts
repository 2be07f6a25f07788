/**
 * The read API of any area (GET /api/areas...): an area's numbers, its parents, a page of its children, a page of its
 * TPS. Every answer costs O(the page): the area and its children from the per-level rows (loadNodeSums), TPS from
 * rm_tps by id range, the hierarchy from the AreaIndex; nothing walks all kelurahan or all TPS.
 */
import type { QueryRunner } from 'typeorm';
import type { AreaNode, AreaTpsPage, AreaView, Estimate, TpsState, TpsView } from '../live/live.contract.js';
import type { Contests } from '../reference/contests.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { encodeCursor } from './area-cursor.js';
import { upperBound, type AreaIndex } from './area-index.js';
import { areaTotals, loadNodeSums, quickCountSums, type NodeSums } from './area-totals.js';
import { rows } from './projection.js';
import { estimateShares, estimateStratified } from './quick-count.js';
import { initialTps, tpsView, type TpsDoc } from './tps-doc.js';

export interface AreaReadContext {
  ref: ReferenceData;
  index: AreaIndex;
  contests: Contests;
  /** QUICKCOUNT_MIN_TPS: below this many reported TPS the estimate is not shown. */
  minTps: number;
}

export const AREA_CHILDREN_LIMIT = 500;
export const AREA_TPS_LIMIT = 100;

/** An area's numbers with its name and level. */
export function areaNode(ctx: AreaReadContext, code: string, contest: string, sums: NodeSums | undefined): AreaNode {
  return {
    ...ctx.index.areaRef(code),
    tpsWithPhotos: sums?.tpsWithPhotos ?? 0,
    ...areaTotals(contest, ctx.contests.byCode.get(contest), sums, ctx.ref.tpsCount.get(code) ?? 0),
  };
}

/** Strata of the stratified estimate (docs/quick-count.md): a nation by province, a province by kabupaten/kota. */
export function strataOf(ctx: AreaReadContext, code: string): readonly string[] | null {
  const level = ctx.index.levelOf(code);
  return level === 'nation' || level === 'provinsi' ? ctx.index.children(code) : null;
}

/** The quick count of an area from its own sums, or from its strata's sums (`strata` given: all of them). */
export function areaEstimate(ctx: AreaReadContext, code: string, sums: Map<string, NodeSums>, strata: readonly string[] | null): Estimate {
  const own = sums.get(code);
  const N = ctx.ref.tpsCount.get(code) ?? 0;
  const reported = own?.tpsReported ?? 0;
  const shown = reported >= ctx.minTps;
  const candidates = !shown
    ? []
    : strata
      ? estimateStratified(strata.map((c) => quickCountSums(sums.get(c), ctx.ref.tpsCount.get(c) ?? 0)))
      : estimateShares(quickCountSums(own, N));
  return {
    shown,
    reportedTps: reported,
    minTps: ctx.minTps,
    totalTps: N,
    candidates,
    method: strata ? 'stratified-ratio-estimator' : 'ratio-estimator-cluster-fpc',
  };
}

export async function readArea(
  tx: QueryRunner,
  ctx: AreaReadContext,
  code: string,
  opts: { contest: string; limit: number; after?: string },
  position: string | null,
): Promise<AreaView> {
  const all = ctx.index.children(code);
  const start = opts.after === undefined ? 0 : upperBound(all, opts.after);
  const page = all.slice(start, start + opts.limit);
  const strata = strataOf(ctx, code);
  const sums = await loadNodeSums(tx, [...new Set([code, ...page, ...(strata ?? [])])], opts.contest);
  return {
    area: { ...areaNode(ctx, code, opts.contest, sums.get(code)), estimate: areaEstimate(ctx, code, sums, strata) },
    parents: ctx.index.parents(code),
    childLevel: ctx.index.childLevel(code),
    children: page.map((c) => areaNode(ctx, c, opts.contest, sums.get(c))),
    childrenTotal: all.length,
    nextCursor: start + page.length < all.length && page.length > 0 ? encodeCursor(page[page.length - 1]) : null,
    position,
  };
}

/** How many kelurahan one query of the no_officer page looks at before reading the next ones. */
const NO_OFFICER_CHUNK = 200;

/** A page of an area's TPS in id order, after the TPS id `after`, optionally only those in one state. */
export async function readAreaTps(
  tx: QueryRunner,
  ctx: AreaReadContext,
  code: string,
  opts: { limit: number; after?: string; state?: TpsState },
  position: string | null,
): Promise<AreaTpsPage> {
  const after = opts.after ?? '';
  const range = idRange(code);
  let views: TpsView[];
  let total: number;
  if (opts.state && opts.state !== 'no_officer') {
    // Every TPS in a state other than no_officer has a row: the page straight from rm_tps.
    const found = await rows<{ doc: TpsDoc }>(
      tx,
      `SELECT doc FROM rm_tps WHERE state = $1 AND tps_id > $2 AND tps_id >= $3 AND ($4::text IS NULL OR tps_id < $4)
       ORDER BY tps_id LIMIT ${opts.limit + 1}`,
      [opts.state, after, range.lo, range.hi],
    );
    views = found.map((r) => tpsView(r.doc)).filter((v) => v.state === opts.state);
    total = await countInRange(tx, range, `state = $3`, [opts.state]);
  } else {
    // TPS without a row yet are no_officer: the ids come from the reference, the docs (where any) from rm_tps.
    const wanted: string[] = [];
    const kelurahan = ctx.index.kelurahanOf(code, after.slice(0, 10));
    for (let done = false; !done && wanted.length <= opts.limit;) {
      const chunk: string[] = [];
      for (let i = 0; i < NO_OFFICER_CHUNK; i++) {
        const next = kelurahan.next();
        if (next.done) {
          done = true;
          break;
        }
        chunk.push(...ctx.index.tpsOf(next.value).filter((id) => id > after));
        if (!opts.state && wanted.length + chunk.length > opts.limit) break;
      }
      let ids = chunk;
      if (opts.state === 'no_officer' && chunk.length) {
        const taken = await rows<{ tps_id: string }>(tx, `SELECT tps_id FROM rm_tps WHERE tps_id = ANY($1) AND state <> 'no_officer'`, [
          chunk,
        ]);
        const busy = new Set(taken.map((r) => r.tps_id));
        ids = chunk.filter((id) => !busy.has(id));
      }
      wanted.push(...ids);
      if (!opts.state && wanted.length > opts.limit) break;
    }
    const pageIds = wanted.slice(0, opts.limit + 1);
    const found = await rows<{ tps_id: string; doc: TpsDoc }>(tx, `SELECT tps_id, doc FROM rm_tps WHERE tps_id = ANY($1)`, [pageIds]);
    const docs = new Map(found.map((r) => [r.tps_id, r.doc]));
    views = pageIds.map((id) => tpsView(docs.get(id) ?? initialTps(ctx.ref.tpsById.get(id)!)));
    const all = ctx.ref.tpsCount.get(code) ?? 0;
    total = opts.state ? all - (await countInRange(tx, range, `state <> 'no_officer'`, [])) : all;
  }
  const more = views.length > opts.limit;
  const tps = views.slice(0, opts.limit);
  return { tps, total, nextCursor: more ? encodeCursor(tps[tps.length - 1].id) : null, position };
}

async function countInRange(tx: QueryRunner, range: IdRange, where: string, params: unknown[]): Promise<number> {
  const [r] = await rows<{ n: number }>(
    tx,
    `SELECT count(*)::int AS n FROM rm_tps WHERE tps_id >= $1 AND ($2::text IS NULL OR tps_id < $2) AND ${where}`,
    [range.lo, range.hi, ...params],
  );
  return r?.n ?? 0;
}

interface IdRange {
  lo: string;
  /** null: no upper bound (the nation, or a code of all nines). */
  hi: string | null;
}

/** TPS ids under an area code are the ids in [code, code + 1) (same-length digit strings sort as numbers). */
export function idRange(code: string): IdRange {
  const digits = code.split('');
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i] !== '9') {
      digits[i] = String(Number(digits[i]) + 1);
      return { lo: code, hi: digits.slice(0, i + 1).join('') };
    }
  }
  return { lo: code, hi: null };
}
