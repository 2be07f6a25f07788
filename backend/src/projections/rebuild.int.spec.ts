/** Rebuild from position zero while the old tables keep serving, then switch over: same tables as built incrementally. */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-db.js';
import { DomainError } from '../http/domain-error.js';
import type { TpsEvent } from '../tps/tps.events.js';
import { readCheckpoint } from './checkpoints.js';
import { createProjections } from './projection-registry.js';
import type { BatchContext, Projection } from './projection.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { rebuildProjection, rebuildProjections } from './rebuild.js';
import { ev, RULE_FLAG } from './testing/events.js';
import { openBench, REF, type Bench } from './testing/fixture.js';
import { cityTotals, dumpTables } from './testing/model.js';

let db: TestDatabase;

/** The read models plus the audit projections' tables, which a rebuild must reproduce row for row as well. */
async function dumpAll() {
  const audit: Record<string, unknown[]> = {};
  for (const t of ['audit_anchor', 'audit_correction'])
    audit[t] = await bench.ds.query(`SELECT * FROM ${t} ORDER BY commit_pos, prepare_pos`);
  return { ...(await dumpTables(bench.ds)), ...audit };
}
let bench: Bench;
const history: TpsEvent[] = [];

function eventsFor(from: number, to: number): TpsEvent[] {
  return REF.tps
    .slice(from, to)
    .flatMap((t, i) => [
      ev.checkIn(t.id, '2024-02-14T06:30:00+07:00'),
      ev.tally(t.id, { '01': i, '02': 2 * i, '03': 7 }, i % 4 === 0 ? RULE_FLAG : undefined),
      ...(i % 5 === 0 ? [ev.incident(t.id, `inc-${t.id}`, '2024-02-14T08:00:00+07:00')] : []),
      ...(i % 10 === 0
        ? [ev.resolve(t.id, `inc-${t.id}`, '2024-02-14T08:30:00+07:00'), ev.correct(t.id, 1, { '01': 1, '02': 1, '03': 1 })]
        : []),
    ]);
}

beforeAll(async () => {
  db = await createTestDatabase('rebuild');
  bench = await openBench(db.url);
  history.push(...eventsFor(0, 60));
  await bench.append(history);
  await bench.catchUp();
});

afterAll(async () => {
  await bench?.close();
  await db?.drop();
});

it('produces exactly the incrementally built tables and checkpoint', async () => {
  const before = await dumpAll();
  expect(before.audit_anchor).toHaveLength(history.length);
  expect(before.audit_correction.length).toBeGreaterThan(0);
  const cpBefore = await readCheckpoint(bench.ds, 'tps-status');
  for (const p of createProjections(REF)) await rebuildProjection(bench.ds, bench.store, p, 13);
  expect(await dumpAll()).toEqual(before);
  expect((await readCheckpoint(bench.ds, 'tps-status'))!.position).toEqual(cpBefore!.position);
  expect((await readCheckpoint(bench.ds, 'tps-status'))!.eventsApplied).toBe(history.length);
  expect(await readCheckpoint(bench.ds, 'tps-status@rebuild')).toBeNull();
});

it('rebuilds every projection over one shared read of the log into the same tables', async () => {
  const before = await dumpAll();
  const results = await rebuildProjections(bench.ds, bench.store, createProjections(REF), 11);
  expect(results.map((r) => r.eventsApplied)).toEqual(results.map(() => history.length));
  expect(await dumpAll()).toEqual(before);
  for (const r of results) expect(await readCheckpoint(bench.ds, `${r.name}@rebuild`)).toBeNull();
});

it('keeps serving reads and following the log while it rebuilds', async () => {
  const runners = bench.runners();
  runners.forEach((r) => r.start());
  let reads = 0;
  let rebuilding = true;
  const reader = (async () => {
    while (rebuilding) {
      const s = await bench.reads.summary();
      expect(s.tpsReported).toBeGreaterThanOrEqual(60);
      reads++;
    }
  })();
  const more = eventsFor(60, 100);
  try {
    const [, written] = await Promise.all([
      rebuildProjections(bench.ds, bench.store, createProjections(REF), 17).finally(() => (rebuilding = false)),
      bench.append(more),
    ]);
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect(await bench.reads.waitForPosition(written, 10_000)).toBe(true);
  } finally {
    rebuilding = false;
    await Promise.all(runners.map((r) => r.stop()));
  }
  history.push(...more);
  const want = cityTotals(history);
  const s = await bench.reads.summary();
  expect(Object.fromEntries(s.candidates.map((c) => [c.number, c.votes]))).toEqual(want.votes);
  expect(s.tpsReported).toBe(100);
  expect((await readCheckpoint(bench.ds, 'tps-status'))!.eventsApplied).toBe(history.length);
  expect((await bench.reads.incidents({ status: 'open' })).length).toBe(
    history.filter((e) => e.type === 'IncidentReported').length - history.filter((e) => e.type === 'IncidentResolved').length,
  );
});

it('folds a page in short transactions: none applies more than the fold size (each hides live events while it runs)', async () => {
  const folds: number[] = [];
  // The per-fold path (a projection without a bulk path); rebuild-bulk.int.spec.ts bounds the bulk path's writes.
  const tpsStatus = Object.assign(Object.create(createProjections(REF)[0]) as Projection, { bulk: undefined });
  const r = await rebuildProjection(bench.ds, bench.store, tpsStatus, {
    pageSize: 50,
    foldSize: 8,
    onFold: (name, applied) => name === 'tps-status' && folds.push(applied),
  });
  expect(folds.length).toBeGreaterThan(1);
  expect(Math.max(...folds)).toBeLessThanOrEqual(8);
  // Nothing is written meanwhile, so the folds carry every event (the switch-over has none left to fold).
  expect(folds.reduce((a, b) => a + b, 0)).toBe(r.eventsApplied);
});

it('builds the secondary indexes after the load: the switched-in tables have every index the old ones had', async () => {
  const projections = createProjections(REF);
  const tables = projections.flatMap((p) => [...p.tables]);
  // Name and schema aside (a copy's indexes get PostgreSQL's generated names): what is indexed, how, and unique or not.
  const indexes = async () =>
    (
      await bench.ds.query<{ tablename: string; indexdef: string }[]>(
        `SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY($1)`,
        [tables],
      )
    )
      .map((r) => `${r.tablename}: ${r.indexdef.replace(/^CREATE (UNIQUE )?INDEX \S+ ON \S+/, 'CREATE $1INDEX ON')}`)
      .sort();
  const before = await indexes();
  expect(before.filter((d) => !d.includes('UNIQUE')).length).toBeGreaterThan(0);
  // What a fold of the rebuild sees on its copies: the same projections, each asking in its own transaction first.
  const seenInFolds = new Set<string>();
  const watched = projections.map((p) =>
    Object.assign(Object.create(p) as Projection, {
      apply: async (ctx: BatchContext, events: RecordedEvent[]) => {
        if (ctx.schema === 'proj_rebuild') {
          const rows = (await ctx.tx.query(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'proj_rebuild'`)) as { indexdef: string }[];
          for (const r of rows) seenInFolds.add(r.indexdef.includes('UNIQUE') ? 'unique' : r.indexdef);
        }
        return p.apply(ctx, events);
      },
    }),
  );
  await rebuildProjections(bench.ds, bench.store, watched, 11);
  expect([...seenInFolds]).toEqual(['unique']);
  expect(await bench.ds.query(`SELECT indexname FROM pg_indexes WHERE schemaname = 'proj_rebuild'`)).toEqual([]);
  expect(await indexes()).toEqual(before);
});

it('refuses a second rebuild of the same projection while one runs', async () => {
  const lock = bench.ds.createQueryRunner();
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(hashtext('projection-rebuild:incidents'))`);
    const [, incidents] = createProjections(REF);
    const error = await rebuildProjection(bench.ds, bench.store, incidents).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'PROJECTION.REBUILD_RUNNING', status: 409 });
  } finally {
    await lock.query(`SELECT pg_advisory_unlock_all()`);
    await lock.release();
  }
});
