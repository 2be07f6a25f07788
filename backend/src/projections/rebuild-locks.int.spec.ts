/**
 * Read snapshots and a rebuild's table switch running at once: no deadlock, and a snapshot never reads a table
 * swapped in after it began (it would see the new table through its older view: position live, rows none).
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-db.js';
import { createProjections } from './projection-registry.js';
import { rebuildProjection } from './rebuild.js';
import { inSnapshot } from './snapshot.js';
import { ev } from './testing/events.js';
import { openBench, REF, type Bench } from './testing/fixture.js';

let db: TestDatabase;
let bench: Bench;
const TPS = 40;

beforeAll(async () => {
  db = await createTestDatabase('rebuildlocks');
  bench = await openBench(db.url);
  await bench.append(REF.tps.slice(0, TPS).flatMap((t, i) => [ev.checkIn(t.id, '2024-02-14T06:30:00+07:00'), ev.tally(t.id, { '01': i })]));
  await bench.catchUp();
});

afterAll(async () => {
  await bench?.close();
  await db?.drop();
});

const tpsStatus = () => createProjections(REF).find((p) => p.name === 'tps-status')!;

/** Resolves once some session of this database waits for a table lock. */
async function someoneWaitsForALock(ds: DataSource, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
       WHERE d.datname = current_database() AND l.locktype = 'relation' AND NOT l.granted`,
    );
    if (n > 0) return;
    if (Date.now() > end) throw new Error('nobody waited for a table lock');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The rebuild finished, or it is blocked on a lock this test's snapshot holds. */
function finishedOrBlocked(rebuild: Promise<unknown>): Promise<'finished' | 'blocked'> {
  return Promise.race([rebuild.then(() => 'finished' as const), someoneWaitsForALock(bench.ds).then(() => 'blocked' as const)]);
}

it('a snapshot reading the kelurahan table, then rm_tps, while the switch runs: both finish, no deadlock', async () => {
  let rebuild: Promise<unknown> | null = null;
  const read = inSnapshot(bench.ds, async (tx) => {
    await tx.query(`SELECT count(*) FROM rm_kelurahan_status`);
    rebuild = rebuildProjection(bench.ds, bench.store, tpsStatus(), 7);
    rebuild.catch(() => undefined);
    await finishedOrBlocked(rebuild);
    const [{ n }] = await tx.query(`SELECT count(*)::int AS n FROM rm_tps`);
    return n as number;
  });
  const outcomes = await Promise.allSettled([read, read.finally(() => rebuild)]);
  expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).toEqual(['ok', 'ok']);
  expect(await read).toBe(TPS);
});

it('a snapshot that began before the switch reads the rows its position reflects, not the new empty view', async () => {
  const started: Promise<unknown>[] = [];
  const seen = await inSnapshot(bench.ds, async (tx, position) => {
    const rebuild = rebuildProjection(bench.ds, bench.store, tpsStatus(), 7);
    started.push(rebuild);
    rebuild.catch(() => undefined);
    await finishedOrBlocked(rebuild);
    const [{ n }] = await tx.query(`SELECT count(*)::int AS n FROM rm_tps`);
    return { position, rows: n as number };
  });
  await Promise.all(started);
  expect(seen.position).not.toBeNull();
  expect(seen.rows).toBe(TPS);
  // And after the switch, a fresh snapshot sees the rebuilt tables in full.
  expect(await inSnapshot(bench.ds, async (tx) => (await tx.query(`SELECT count(*)::int AS n FROM rm_tps`))[0].n)).toBe(TPS);
});

it('many concurrent snapshot reads during rebuilds: every read and every rebuild succeeds', async () => {
  let rebuilding = true;
  const failures: string[] = [];
  let reads = 0;
  const readers = Array.from({ length: 4 }, async () => {
    while (rebuilding) {
      try {
        const [c, s] = await Promise.all([bench.reads.coverage(), bench.reads.summary()]);
        expect(s.tpsReported).toBe(TPS);
        expect(c!.rows.reduce((a, r) => a + r.checkedIn, 0)).toBe(TPS);
        reads++;
      } catch (e) {
        failures.push(String(e));
      }
    }
  });
  try {
    for (let i = 0; i < 4; i++) await rebuildProjection(bench.ds, bench.store, tpsStatus(), 11);
  } finally {
    rebuilding = false;
    await Promise.all(readers);
  }
  expect(failures).toEqual([]);
  expect(reads).toBeGreaterThan(0);
});
