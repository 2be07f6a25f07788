/**
 * The missing-officer lists that skip kelurahan with every TPS checked in, against the plain filter over every TPS of
 * the reference, on real PostgreSQL read models.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-db.js';
import { loadMissingTps, missingOfficers } from './coverage.js';
import { ev } from './testing/events.js';
import { openBench, REF, type Bench } from './testing/fixture.js';

let db: TestDatabase;
let bench: Bench;
const all = [...REF.tpsById.values()];
// Every TPS of the first two kelurahan, half of the third's, one of the fourth's; none elsewhere.
const [k1, k2, k3, k4] = REF.kelurahan;
const checkedIn = [
  ...REF.tpsOf(k1.code),
  ...REF.tpsOf(k2.code),
  ...REF.tpsOf(k3.code).filter((_, i) => i % 2 === 0),
  REF.tpsOf(k4.code)[0],
].map((t) => t.id);

beforeAll(async () => {
  db = await createTestDatabase('coverage');
  bench = await openBench(db.url);
  await bench.append(checkedIn.map((id) => ev.checkIn(id, '2024-02-14T06:30:00+07:00')));
  await bench.catchUp();
});

afterAll(async () => {
  await bench?.close();
  await db?.drop();
});

it('lists the same TPS, in reference order, as filtering every TPS', async () => {
  const done = new Set(checkedIn);
  const want = all.filter((t) => !done.has(t.id));
  expect(want.length).toBe(REF.tpsTotal - checkedIn.length);
  expect((await loadMissingTps(bench.ds, REF)).map((t) => t.id)).toEqual(want.map((t) => t.id));

  const after = new Date('2024-02-14T08:00:00+07:00');
  const deadline = '2024-02-14T07:30:00+07:00';
  const status = new Map(
    REF.kelurahan.map((k) => [k.code, { checkedIn: REF.tpsOf(k.code).filter((t) => done.has(t.id)).length }] as const),
  );
  const rows = want.map((t) => ({ tpsId: t.id, kelurahanCode: t.kelurahanCode, officer: null }));
  expect(missingOfficers(REF, done, after, deadline, status)).toEqual(rows);
  expect(missingOfficers(REF, done, after, deadline)).toEqual(rows);
  expect(missingOfficers(REF, done, new Date('2024-02-14T07:00:00+07:00'), deadline, status)).toEqual([]);
});
