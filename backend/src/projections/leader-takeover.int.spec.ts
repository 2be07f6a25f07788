/**
 * The lease and the projection group together: a lease session killed while a slow batch runs must not leave the node
 * holding the lease with nothing running (the next tick used to re-take the lease before group.stop() had finished,
 * and group.start() then returned early because the old loop was still there).
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-db.js';
import { positionFromString } from '../event-store/position.js';
import { readCheckpoint } from './checkpoints.js';
import { LeaderLease, PROJECTION_LOCK_KEY } from './leader-lease.js';
import { ProjectionGroup } from './projection-group.js';
import { ev } from './testing/events.js';
import { openBench, REF, type Bench } from './testing/fixture.js';

let db: TestDatabase;
let bench: Bench;

beforeAll(async () => {
  db = await createTestDatabase('takeover');
  bench = await openBench(db.url);
});

afterAll(async () => {
  await bench?.close();
  await db?.drop();
});

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

it('a lease lost during a slow batch is re-taken and the projections run again', async () => {
  let slowBatches = 0;
  let batchStarted = false;
  const runners = bench.runners({
    beforeCommit: async () => {
      // The first batch of the first runner takes 2 s, long enough for several lease ticks to pass meanwhile.
      if (slowBatches++ > 0) return;
      batchStarted = true;
      await new Promise((r) => setTimeout(r, 2000));
    },
  });
  const group = new ProjectionGroup(bench.ds, bench.store, runners, { retryDelayMs: 50 });
  const log: string[] = [];
  const lease = new LeaderLease({
    connectionString: db.url,
    intervalMs: 100,
    onAcquired: () => group.start(),
    onLost: () => group.stop(),
    log: (m) => log.push(m),
  });
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  try {
    lease.start();
    await until(() => lease.isLeader, 'the lease');
    const [t1, t2] = REF.tps;
    await bench.append([ev.checkIn(t1.id, '2024-02-14T06:30:00+07:00')]);
    await until(() => batchStarted, 'the slow batch to start');

    // The lease session dies while the batch runs.
    const killed = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [PROJECTION_LOCK_KEY],
    );
    expect(killed.rowCount).toBe(1);
    await until(() => log.some((m) => m.includes('stopping the projections')), 'the leader to notice');
    await until(() => lease.isLeader, 'the lease to be taken again', 10_000);

    // Leading must mean running: an event appended now is applied by every projection.
    const last = await bench.append([ev.checkIn(t2.id, '2024-02-14T06:31:00+07:00')]);
    const target = positionFromString(last);
    await until(
      async () => {
        const cp = await readCheckpoint(bench.ds, 'tps-status');
        return cp?.position != null && cp.position.commit >= target.commit;
      },
      'the re-taken lease to run the projections',
      10_000,
    );
    expect(group.running).toBe(true);
  } finally {
    await group.stop();
    await lease.stop();
    await admin.end();
  }
});
