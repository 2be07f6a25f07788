/**
 * The TPS without a check-in of any area, a page at a time in reference (code) order, with their count
 * (docs/scaling.md "What is bounded"). The count is the area's own row (TPS count minus its check-ins); the page
 * walks the area's kecamatan, then kelurahan, in code order reading their check-in counts (their own rows) a chunk at
 * a time, skips those whose every TPS checked in, and reads the checked-in TPS of just the short kelurahan that fill
 * the page. So a page costs about its own size, never every TPS, and at most the kecamatan rows of the area (7,300
 * nationally, in 4 range reads) when it is almost wholly checked in.
 */
import type { QueryRunner } from 'typeorm';
import type { ReferenceData, Tps } from '../reference/reference-data.js';
import { encodeCursor } from './area-cursor.js';
import type { AreaIndex } from './area-index.js';
import { rows } from './projection.js';

/** Kecamatan whose check-in counts one range read looks at (7,300 nationally: 4 reads). */
const KECAMATAN_CHUNK = 2000;
/** Kelurahan of short kecamatan whose check-in counts one read looks at. */
const KELURAHAN_CHUNK = 2000;

export interface MissingPage {
  tps: Tps[];
  /** Every TPS of the area without a check-in. */
  total: number;
  /** Where the next page starts (after the last TPS id of this one), null on the last page. */
  nextCursor: string | null;
}

/** How many TPS of the area (any level, '' the nation) have no check-in: its TPS count less its check-ins. */
export async function missingCount(tx: QueryRunner, ref: ReferenceData, code: string): Promise<number> {
  const [kind, key] = code.length === 10 ? ['kelurahan', 'kelurahan_code'] : ['area', 'area_code'];
  const [r] = await rows<{ n: number }>(tx, `SELECT tps_checked_in AS n FROM rm_${kind}_status WHERE ${key} = $1`, [code]);
  return Math.max(0, (ref.tpsCount.get(code) ?? 0) - (r?.n ?? 0));
}

/** A page of the area's TPS without a check-in after the TPS id `after`, and their total. */
export async function readMissingPage(
  tx: QueryRunner,
  ctx: { ref: ReferenceData; index: AreaIndex },
  code: string,
  page: { limit: number; after?: string },
): Promise<MissingPage> {
  const total = await missingCount(tx, ctx.ref, code);
  const after = page.after ?? '';
  const out: Tps[] = [];
  if (total > 0) {
    const batch: string[] = [];
    let expected = 0;
    const flush = async () => {
      const found = await rows<{ tps_id: string }>(tx, `SELECT tps_id FROM rm_tps WHERE checked_in AND kelurahan_code = ANY($1)`, [batch]);
      const checkedIn = new Set(found.map((r) => r.tps_id));
      for (const k of batch) out.push(...ctx.ref.tpsOf(k).filter((t) => t.id > after && !checkedIn.has(t.id)));
      batch.length = 0;
      expected = 0;
    };
    for await (const next of shortKelurahan(tx, ctx, code, after.slice(0, 10))) {
      batch.push(next.code);
      expected += next.missing;
      // One more than the page, to know whether another follows.
      if (out.length + expected > page.limit) await flush();
      if (out.length > page.limit) break;
    }
    if (batch.length) await flush();
  }
  const tps = out.slice(0, page.limit);
  return { tps, total, nextCursor: out.length > page.limit ? encodeCursor(tps[tps.length - 1].id) : null };
}

/**
 * The area's kelurahan from `from` on with fewer check-ins than TPS, and how many they lack, in code order. The
 * kecamatan come first, their check-in counts (their own rows) read a range of KECAMATAN_CHUNK at a time, so a
 * complete kecamatan costs nothing more; then the kelurahan of the short kecamatan, KELURAHAN_CHUNK at a time.
 */
async function* shortKelurahan(
  tx: QueryRunner,
  ctx: { ref: ReferenceData; index: AreaIndex },
  code: string,
  from: string,
): AsyncGenerator<{ code: string; missing: number }> {
  if (code.length === 10) {
    yield* shortOf(tx, ctx, [code]);
    return;
  }
  const kecamatan = ctx.index.kecamatanOf(code, from.slice(0, 6));
  for (;;) {
    const chunk = take(kecamatan, KECAMATAN_CHUNK);
    if (chunk.length === 0) return;
    // Consecutive in code order: one range read of their rows (the kabupaten and provinsi rows in between left out).
    const found = await rows<{ code: string; n: number }>(
      tx,
      `SELECT area_code AS code, tps_checked_in AS n FROM rm_area_status
       WHERE area_code >= $1 AND area_code <= $2 AND length(area_code) = 6`,
      [chunk[0], chunk[chunk.length - 1]],
    );
    const checkedIn = new Map(found.map((r) => [r.code, r.n]));
    let batch: string[] = [];
    for (const k of chunk) {
      if ((ctx.ref.tpsCount.get(k) ?? 0) <= (checkedIn.get(k) ?? 0)) continue;
      batch.push(...ctx.index.kelurahanOf(k, from));
      if (batch.length < KELURAHAN_CHUNK) continue;
      yield* shortOf(tx, ctx, batch);
      batch = [];
    }
    if (batch.length) yield* shortOf(tx, ctx, batch);
  }
}

/** These kelurahan (in code order) that lack check-ins, read from their rows (absent: no check-in yet). */
async function* shortOf(tx: QueryRunner, ctx: { ref: ReferenceData }, codes: string[]): AsyncGenerator<{ code: string; missing: number }> {
  const found = await rows<{ code: string; n: number }>(
    tx,
    `SELECT kelurahan_code AS code, tps_checked_in AS n FROM rm_kelurahan_status WHERE kelurahan_code = ANY($1)`,
    [codes],
  );
  const checkedIn = new Map(found.map((r) => [r.code, r.n]));
  for (const c of codes) {
    const missing = (ctx.ref.tpsCount.get(c) ?? 0) - (checkedIn.get(c) ?? 0);
    if (missing > 0) yield { code: c, missing };
  }
}

function take(from: Iterator<string>, n: number): string[] {
  const out: string[] = [];
  for (let next = from.next(); !next.done; next = from.next()) if (out.push(next.value) >= n) break;
  return out;
}
