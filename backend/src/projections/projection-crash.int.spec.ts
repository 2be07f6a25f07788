/**
 * A runner killed mid-batch (its connection terminated inside the batch transaction, before commit) loses no event and
 * counts none twice once it restarts, whether it retries by itself or a fresh process takes over.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from '@jest/globals';
import type { QueryRunner } from 'typeorm';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-db.js';
import type { TpsEvent } from '../tps/tps.events.js';
import { positionFromString } from '../event-store/position.js';
import { readCheckpoint } from './checkpoints.js';
import { ev } from './testing/events.js';
import { openBench, REF, type Bench } from './testing/fixture.js';
import { cityTotals, resetReadModels } from './testing/model.js';

let db: TestDatabase;
let bench: Bench;
let written = '';
const history: TpsEvent[] = [];

beforeAll(async () => {
  db = await createTestDatabase('crash');
  bench = await openBench(db.url);
  REF.tps.slice(0, 20).forEach((t, i) => {
    history.push(ev.checkIn(t.id, '2024-02-14T06:30:00+07:00'), ev.tally(t.id, { '01': 10 + i, '02': 20, '03': 5 }));
    if (i % 3 === 0) history.push(ev.correct(t.id, 1, { '01': 1, '02': 2 * i, '03': 3 }));
  });
  written = await bench.append(history);
});

beforeEach(async () => {
  await resetReadModels(bench.ds);
});

afterAll(async () => {
  await bench?.close();
  await db?.drop();
});

/** Terminates the batch's own connection the `nth` time it is about to commit: the transaction aborts, as in a crash. */
function killOnBatch(nth: number) {
  let batches = 0;
  let killed = false;
  const sizes: number[] = [];
  return {
    get killed() {
      return killed;
    },
    sizes,
    async hook(tx: QueryRunner, events: RecordedEvent[]) {
      sizes.push(events.length);
      if (++batches !== nth) return;
      killed = true;
      await tx.query('SELECT pg_terminate_backend(pg_backend_pid())');
    },
  };
}

async function expectExactlyOnce(): Promise<void> {
  const want = cityTotals(history);
  const s = await bench.reads.summary();
  expect(Object.fromEntries(s.candidates.map((c) => [c.number, c.votes]))).toEqual(want.votes);
  expect({ reported: s.tpsReported, checkedIn: s.tpsCheckedIn }).toEqual({ reported: 20, checkedIn: 20 });
  for (const name of ['tps-status', 'incidents']) expect((await readCheckpoint(bench.ds, name))!.eventsApplied).toBe(history.length);
}

it('retries a killed batch from the checkpoint', async () => {
  const crash = killOnBatch(3);
  const runners = bench.runners({ batchSize: 7, retryDelayMs: 20, beforeCommit: (tx, events) => crash.hook(tx, events) });
  runners.forEach((r) => r.start());
  try {
    expect(await bench.reads.waitForPosition(written, 15_000)).toBe(true);
  } finally {
    await Promise.all(runners.map((r) => r.stop()));
  }
  expect(crash.killed).toBe(true);
  await expectExactlyOnce();
});

it('resumes in a fresh runner after the first one died mid-batch', async () => {
  const crash = killOnBatch(2);
  const [dying] = bench.runners({ batchSize: 7, beforeCommit: (tx, events) => crash.hook(tx, events) });
  await expect(dying.catchUp()).rejects.toThrow();
  expect(crash.killed).toBe(true);
  // Only the first batch committed, not the killed second one.
  expect(crash.sizes).toHaveLength(2);
  expect((await readCheckpoint(bench.ds, 'tps-status'))!.eventsApplied).toBe(crash.sizes[0]);

  for (const r of bench.runners({ batchSize: 7 })) await r.catchUp(positionFromString(written));
  await expectExactlyOnce();
});
