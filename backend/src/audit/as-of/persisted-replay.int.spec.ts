/**
 * The persisted as-of replay against the in-process replay from zero (ReplayIndex), on real PostgreSQL: the same totals,
 * cut, position and photo count at every moment asked, including exactly at a snapshot and at a chunk boundary; across
 * runs, nodes, and a change of format or interval.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-db.js';
import { openDataSource } from '../../database/data-source.js';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { PostgresEventStore } from '../../event-store/postgres/postgres.event-store.js';
import type { KelurahanTotals } from '../../projections/kelurahan-tally.js';
import { ev, RULE_FLAG, toNew } from '../../projections/testing/events.js';
import { placeTps } from '../../projections/tps-status.projection.js';
import { loadReferenceData } from '../../reference/reference-data.js';
import { tpsStream, type TpsEvent } from '../../tps/tps.events.js';
import { PersistedReplay } from './persisted-replay.js';
import { ReplayIndex } from './replay-index.js';
import { AS_OF_FORMAT } from './snapshot-format.js';

const REF = loadReferenceData();
const place = (id: string) => placeTps(REF, id);
let db: TestDatabase;
let ds: DataSource;
let store: PostgresEventStore;

const photo = (tpsId: string, page: number): TpsEvent => ev.photo(tpsId, `${tpsId}${page}`, null, page);

/** A night over the first `count` TPS of the city: check-ins, tallies, incidents, corrections, papers, photos. */
function night(from: number, to: number): TpsEvent[] {
  return [...REF.tpsById.values()]
    .slice(from, to)
    .flatMap((t, i) => [
      ev.checkIn(t.id, '2024-02-14T06:30:00+07:00'),
      ev.tally(t.id, { '01': i, '02': 2 * i + 1, '03': 7 }, i % 4 === 0 ? RULE_FLAG : undefined),
      ...(i % 3 === 0 ? [ev.incident(t.id, `inc-${t.id}`, '2024-02-14T08:00:00+07:00'), photo(t.id, 1)] : []),
      ...(i % 5 === 0
        ? [ev.resolve(t.id, `inc-${t.id}`, '2024-02-14T08:30:00+07:00'), ev.correct(t.id, 1, { '01': 1, '02': 1, '03': 1 })]
        : []),
      ...(i % 7 === 0
        ? [ev.tally(t.id, { '01': 3, '02': 4, '03': 5 }, undefined, 'DPD'), ev.paper(t.id, { '01': 9, '02': 1, '03': 1 }, 1, false)]
        : []),
    ]);
}

/**
 * Appends in groups of a few events per transaction, so recording times repeat and advance; returns once all of them
 * are visible to readers (the store hides events while an older transaction anywhere on the server is open).
 */
async function append(events: TpsEvent[]): Promise<void> {
  const before = (await readLog()).length;
  for (let i = 0; i < events.length; i += 3)
    await Promise.all(
      events.slice(i, i + 3).map((e) => store.appendToStream(tpsStream(e.data.tpsId), [toNew(e)], { expectedRevision: 'any' })),
    );
  while ((await readLog()).length < before + events.length) await new Promise((r) => setTimeout(r, 20));
}

async function readLog(): Promise<RecordedEvent[]> {
  return store.readAll({ after: 'start', direction: 'forwards', maxCount: 1_000_000 });
}

function oracle(events: RecordedEvent[]): ReplayIndex {
  const index = new ReplayIndex(place, { snapshotEvery: 1_000_000_000, maxSnapshots: 1 });
  for (const e of events) index.add(e);
  return index;
}

/** Numbers only: zeroes and empty parts dropped (one side may hold an all-zero entry the other lacks; views read both as 0). */
function prune(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v === 0 ? undefined : v;
  const out = Object.fromEntries(
    Object.entries(v)
      .map(([k, x]) => [k, prune(x)] as const)
      .filter(([, x]) => x !== undefined),
  );
  return Object.keys(out).length ? out : undefined;
}
const numbers = (m: Map<string, KelurahanTotals>) =>
  prune(Object.fromEntries([...m.entries()].map(([k, t]) => [k, { status: t.status, contests: t.contests }])));

async function expectSame(replay: PersistedReplay, events: RecordedEvent[], ns: number[]): Promise<void> {
  const want = oracle(events);
  expect(replay.size).toBe(events.length);
  for (const n of ns) {
    const got = await replay.totalsAt(n, true);
    expect([n, numbers(got.kelurahan)]).toEqual([n, numbers(want.kelurahanAt(n))]);
    expect([n, prune(got.city.contests), prune(got.city.status)]).toEqual([
      n,
      prune(want.cityAt(n).contests),
      prune(want.cityAt(n).status),
    ]);
  }
  // Every moment an event was recorded, and just before it: the same cut as the replay from zero.
  for (const ms of events.flatMap((e) => [e.recordedAt.getTime() - 1, e.recordedAt.getTime()])) {
    const cut = await replay.cutAt(ms);
    const n = want.countAt(ms);
    expect([ms, cut]).toEqual([ms, { n, position: want.positionAt(n), recordedAt: want.recordedAtOf(n), photoTps: want.photoTpsAt(n) }]);
  }
}

beforeAll(async () => {
  db = await createTestDatabase('asofsnap');
  ds = await openDataSource(db.url);
  store = await PostgresEventStore.connect({ connectionString: db.url, pollIntervalMs: 50 });
});

afterAll(async () => {
  await store?.close();
  await ds?.destroy();
  await db?.drop();
});

describe('persisted as-of replay', () => {
  const opts = { snapshotEvery: 60, chunkSize: 20, pageSize: 37 };

  it('answers as the replay from zero, at snapshot and chunk boundaries, across runs and fresh processes', async () => {
    await append(night(0, 40));
    const first = new PersistedReplay(ds, store, place, opts);
    await first.catchUp();
    let log = await readLog();
    expect(log.length).toBeGreaterThan(120);
    await expectSame(first, log, [0, 1, 19, 20, 21, 59, 60, 61, 119, 120, log.length - 1, log.length]);
    const snaps = await ds.query(`SELECT n FROM as_of_snapshot ORDER BY n`);
    expect(snaps.map((r: { n: string }) => Number(r.n))).toEqual(
      Array.from({ length: Math.floor(log.length / 60) }, (_, i) => 60 * (i + 1)),
    );

    // More events, folded by a fresh process from the stored state (its partial chunk, its docs).
    await append(night(40, 90));
    const second = new PersistedReplay(ds, store, place, opts);
    await second.catchUp();
    log = await readLog();
    await expectSame(second, log, [0, 60, 119, 120, 121, 240, 241, log.length - 21, log.length]);
  });

  it('continues correctly when another node moved the stored state past its own', async () => {
    const a = new PersistedReplay(ds, store, place, opts);
    const b = new PersistedReplay(ds, store, place, opts);
    await a.catchUp();
    await append(night(90, 110));
    await b.catchUp();
    await append(night(110, 120));
    await a.catchUp(); // a's tail is behind the stored state: it reloads and continues from b's
    const log = await readLog();
    await expectSame(a, log, [0, 180, 181, log.length]);
    await b.catchUp();
    await expectSame(b, log, [240, log.length - 1]);
  });

  it('a background run gives way when asked to, and a question still folds what it needs', async () => {
    await append(night(120, 125));
    const log = await readLog();
    const [{ n }] = await ds.query<{ n: string }[]>(`SELECT n FROM as_of_state`);
    expect(log.length - Number(n)).toBeGreaterThan(5);
    const bg = new PersistedReplay(ds, store, place, { ...opts, pageSize: 5 });
    let asked = 0;
    await bg.catchUp(() => Promise.resolve(++asked > 1)); // one batch, then it gives way
    expect([asked, bg.size]).toEqual([2, Number(n) + 5]);
    // A moment already folded needs no catch-up; a later one does.
    expect(await bg.settles(log[10].recordedAt.getTime())).toBe(true);
    expect(await bg.settles(Date.now() + 60_000)).toBe(false);
    await bg.catchUp();
    await expectSame(bg, log, [0, log.length]);
  });

  it('ignores rows of another format and rebuilds when the format or the interval changes', async () => {
    const log = await readLog();
    // A snapshot from a future encoding with nonsense in it: never read.
    await ds.query(`INSERT INTO as_of_snapshot (format, n, city, kelurahan) VALUES ($1, 1, '{"bogus":true}', '\\x00')`, [AS_OF_FORMAT + 1]);
    const other = new PersistedReplay(ds, store, place, { snapshotEvery: 50, chunkSize: 10, pageSize: 64 });
    await other.catchUp();
    await expectSame(other, log, [0, 49, 50, 51, 100, log.length]);
    expect((await ds.query(`SELECT snapshot_every, chunk_size FROM as_of_state`))[0]).toEqual({ snapshot_every: 50, chunk_size: 10 });

    await ds.query(`UPDATE as_of_state SET format = $1`, [AS_OF_FORMAT - 1]);
    const again = new PersistedReplay(ds, store, place, { snapshotEvery: 50, chunkSize: 10 });
    await again.catchUp();
    await expectSame(again, log, [50, 99, log.length]);
    expect((await ds.query(`SELECT format FROM as_of_state`))[0].format).toBe(AS_OF_FORMAT);
  });
});
