/**
 * The rebuild's bulk path (folds in memory, COPY into the copies) against the incrementally built tables, with a memory
 * limit of a few TPS and pages of a few events: TPS are written, dropped from memory, loaded back and written again.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-db.js';
import type { TpsEvent } from '../tps/tps.events.js';
import { readCheckpoint } from './checkpoints.js';
import { copyRows } from './copy-rows.js';
import { createProjections } from './projection-registry.js';
import type { Projection } from './projection.js';
import { rebuildProjections } from './rebuild.js';
import { ev, RULE_FLAG } from './testing/events.js';
import { openBench, REF, type Bench } from './testing/fixture.js';
import { dumpTables } from './testing/model.js';

let db: TestDatabase;
let bench: Bench;
const TPS = REF.tps.slice(0, 30).map((t) => t.id);

/**
 * A night in rounds, so each TPS's events are pages apart: check-ins, tallies (some flagged), photos (some repeating
 * another TPS's photo), corrections, reviews (hold and accept), official results, incidents. Revisions are counted per
 * TPS stream, as the reviews name the tally version they decide on.
 */
function night(): TpsEvent[] {
  const out: TpsEvent[] = [];
  const revision = new Map<string, number>();
  const tallyAt = new Map<string, number>();
  const push = (e: TpsEvent) => {
    const r = revision.get(e.data.tpsId) ?? 0;
    revision.set(e.data.tpsId, r + 1);
    out.push(e);
    return r;
  };
  TPS.forEach((id) => push(ev.checkIn(id, '2024-02-14T06:30:00+07:00')));
  TPS.forEach((id, i) => tallyAt.set(id, push(ev.tally(id, { '01': i, '02': 2 * i + 1, '03': 7 }, i % 3 === 0 ? RULE_FLAG : undefined))));
  TPS.forEach((id, i) => {
    // Every fourth TPS repeats the photo of the TPS 10 before it (written and dropped from memory long ago).
    const from = i >= 10 && i % 4 === 0 ? TPS[i - 10] : null;
    push(ev.photo(id, from ? `p-${from}` : `p-${id}`, from ? { tpsId: from, photoId: `p-${from}` } : null));
  });
  TPS.forEach((id, i) => {
    if (i % 5 === 0) tallyAt.set(id, push(ev.correct(id, tallyAt.get(id)!, { '01': 1, '02': 1, '03': i })));
    if (i % 7 === 0) push(ev.tally(id, { '01': 3, '02': 4, '03': 5 }, undefined, 'DPD'));
  });
  TPS.forEach((id, i) => {
    if (i % 3 === 0) push(ev.review(id, tallyAt.get(id)!, i % 2 === 0 ? 'hold' : 'accept'));
    if (i % 4 === 1) push(ev.official(id, { '01': i, '02': 2 * i + (i % 8 === 1 ? 5 : 1), '03': 7 }));
    if (i % 6 === 2) push(ev.incident(id, `inc-${id}`, '2024-02-14T08:00:00+07:00'));
  });
  TPS.forEach((id, i) => i % 12 === 2 && push(ev.resolve(id, `inc-${id}`, '2024-02-14T09:00:00+07:00')));
  return out;
}

const history = night();

async function dumpAll() {
  const audit: Record<string, unknown[]> = {};
  for (const t of ['audit_anchor', 'audit_correction'])
    audit[t] = await bench.ds.query(`SELECT * FROM ${t} ORDER BY commit_pos, prepare_pos`);
  return { ...(await dumpTables(bench.ds)), ...audit };
}

beforeAll(async () => {
  db = await createTestDatabase('rebuild_bulk');
  bench = await openBench(db.url);
  await bench.append(history);
  // Built incrementally in batches of 4 events: what the rebuilds below must reproduce.
  for (const r of bench.runners({ batchSize: 4 })) await r.catchUp();
});

afterAll(async () => {
  await bench?.close();
  await db?.drop();
});

it('builds the tables an incremental build does, with TPS written, dropped from memory and written again', async () => {
  const before = await dumpAll();
  const tps = before.rm_tps as { doc: { photoReusedBy?: unknown[]; official?: object; reviews?: object } }[];
  // The night has what it says: reuse flags on earlier TPS, official results, held tallies.
  expect(tps.filter((r) => (r.doc.photoReusedBy?.length ?? 0) > 0).length).toBeGreaterThan(0);
  expect(tps.filter((r) => r.doc.official && Object.keys(r.doc.official).length > 0).length).toBeGreaterThan(0);
  expect(before.rm_tps).toHaveLength(TPS.length);
  expect(before.audit_correction.length).toBeGreaterThan(0);
  expect((before.rm_kelurahan_tally as { tps_held: number }[]).some((k) => k.tps_held > 0)).toBe(true);

  const written = new Map<string, { rows: number; writes: number; max: number; applied: number }>();
  const results = await rebuildProjections(bench.ds, bench.store, createProjections(REF), {
    pageSize: 7,
    foldSize: 4,
    memoryLimit: 3,
    onFold: (name, applied, rows) => {
      const w = written.get(name) ?? { rows: 0, writes: 0, max: 0, applied: 0 };
      written.set(name, {
        rows: w.rows + (rows ?? 0),
        writes: w.writes + 1,
        max: Math.max(w.max, rows ?? 0),
        applied: w.applied + applied,
      });
    },
  });
  expect(await dumpAll()).toEqual(before);
  const tpsStatus = written.get('tps-status')!;
  // Rows of rm_tps written more than once each on average: the TPS came back after a flush (plus the totals' rows).
  const totalsRows = ['rm_kelurahan_status', 'rm_kelurahan_tally', 'rm_area_status', 'rm_area_tally'].reduce(
    (n, t) => n + before[t].length,
    0,
  );
  expect(tpsStatus.rows - totalsRows).toBeGreaterThan(2 * TPS.length);
  // Each write is its own short transaction of at most the fold size.
  for (const w of written.values()) expect(w.max).toBeLessThanOrEqual(4);
  expect(written.get('audit-anchors')!.rows).toBe(history.length);
  for (const r of results) {
    expect(r.eventsApplied).toBe(history.length);
    expect(await readCheckpoint(bench.ds, `${r.name}@rebuild`)).toBeNull();
    // The events folded, reported once flushed (the bulk paths) or per fold (the others), add up to the log.
    expect(written.get(r.name)!.applied).toBe(history.length);
  }
});

it('builds the same tables with the generic per-fold path (no projection offers a bulk path)', async () => {
  const before = await dumpAll();
  const generic = createProjections(REF).map((p) => Object.assign(Object.create(p) as Projection, { bulk: undefined }));
  await rebuildProjections(bench.ds, bench.store, generic, { pageSize: 7, foldSize: 4 });
  expect(await dumpAll()).toEqual(before);
});

it('with memory to spare, writes each TPS row once', async () => {
  const before = await dumpAll();
  let tpsRows = 0;
  const [tpsStatus] = createProjections(REF);
  await rebuildProjections(bench.ds, bench.store, [tpsStatus], {
    pageSize: 7,
    onFold: (_name, _applied, rows) => (tpsRows += rows ?? 0),
  });
  expect(await dumpAll()).toEqual(before);
  const totalsRows = ['rm_kelurahan_status', 'rm_kelurahan_tally', 'rm_area_status', 'rm_area_tally'].reduce(
    (n, t) => n + before[t].length,
    0,
  );
  expect(tpsRows).toBe(TPS.length + totalsRows);
});

it('COPYs values with tabs, newlines, backslashes and nulls as they are', async () => {
  const tx = bench.ds.createQueryRunner();
  await tx.connect();
  try {
    await tx.startTransaction();
    await tx.query(`CREATE TEMP TABLE copied (n int, s text, j jsonb) ON COMMIT DROP`);
    const rows = [
      [1, 'a\tb\nc\\d\re', { quote: '"', tab: '\t', slash: '\\', line: '\n' }],
      [2, null, null],
      [3, '\\N', ['x', 1, true]],
    ];
    await copyRows(tx, 'copied', ['n', 's', 'j'], rows);
    expect(await tx.query(`SELECT n, s, j FROM copied ORDER BY n`)).toEqual(rows.map(([n, s, j]) => ({ n, s, j })));
  } finally {
    await tx.rollbackTransaction();
    await tx.release();
  }
});
