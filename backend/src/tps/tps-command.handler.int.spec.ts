/** The handler's per-TPS state cache against the real PostgreSQL store, with two "nodes" (own store, own handler). */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-db.js';
import { openDataSource } from '../database/data-source.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { PostgresEventStore } from '../event-store/postgres/postgres.event-store.js';
import { TpsCommandHandler, type CommandContext } from './tps-command.handler.js';
import { decide, type TpsCommand } from './tps.decider.js';
import type { TallyForm } from './tps.events.js';
import { tpsStream } from './tps.events.js';

let db: TestDatabase;
const stores: PostgresEventStore[] = [];

/** A node: the real store, with its stream reads counted. */
async function node(): Promise<{ handler: TpsCommandHandler; reads: () => number; store: EventStore }> {
  const store = await PostgresEventStore.connect({ connectionString: db.url, poolSize: 2 });
  stores.push(store);
  let reads = 0;
  const readStream = store.readStream.bind(store);
  store.readStream = (...args) => {
    reads++;
    return readStream(...args);
  };
  return { handler: new TpsCommandHandler(store), reads: () => reads, store };
}

const form = (first = 60): TallyForm => ({
  votes: { '01': first, '02': 80, '03': 35 },
  invalid: 5,
  voters: { dpt: 250, fromDpt: 170 + first - 60, fromDptb: 6, fromDpk: 4 },
  ballots: { received: 255, used: 180 + first - 60, spoiled: 2, unused: 73 - (first - 60) },
});
const tally = (tpsId: string, contest: string, f = form()) => ({
  tpsId,
  contest,
  form: f,
  formSerial: null,
  observedAt: null,
  acknowledgeWarnings: true,
  special: false,
});
const ctx = (tpsId: string): CommandContext => ({
  principal: { sub: tpsId, role: 'officer', tpsId },
  requestId: randomUUID(),
  clientTime: null,
  route: 'test',
  body: null,
});
const checkIn = (tpsId: string): TpsCommand => ({
  type: 'CheckIn',
  data: { tpsId, officer: tpsId, at: '2024-02-14T06:40:00+07:00', location: null },
});

beforeAll(async () => {
  db = await createTestDatabase('tpscache');
  await (await openDataSource(db.url)).destroy();
});

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await db?.drop();
});

describe('TpsCommandHandler state cache', () => {
  it('a second command on a TPS this node just wrote does not re-read the stream', async () => {
    const a = await node();
    const tps = '1673061002901';
    await a.handler.handle(tps, checkIn(tps), ctx(tps));
    expect(a.reads()).toBe(1);
    const r = await a.handler.handle(tps, { type: 'SubmitTally', data: tally(tps, 'PPWP') }, ctx(tps));
    expect(a.reads()).toBe(1);
    expect(r.event.revision).toBe(1n);
  });

  it('a stale entry (another node wrote) ends in a conflict that refreshes it; the hash chain stays linked', async () => {
    const [a, b] = [await node(), await node()];
    const tps = '1673061002902';
    await a.handler.handle(tps, checkIn(tps), ctx(tps));
    await b.handler.handle(tps, { type: 'SubmitTally', data: tally(tps, 'PPWP') }, ctx(tps));
    const r = await a.handler.handle(tps, { type: 'SubmitTally', data: tally(tps, 'DPD') }, ctx(tps));
    expect(r.event.revision).toBe(2n);
    const events = await a.store.readStream(tpsStream(tps));
    expect(events.map((e) => e.type)).toEqual(['OfficerCheckedIn', 'TallySubmitted', 'TallySubmitted']);
    for (let i = 1; i < events.length; i++) expect(events[i].metadata.prevHash).toBe(events[i - 1].metadata.hash);
  });

  it('a refusal decided on a stale entry is decided again on the stream', async () => {
    const [a, b] = [await node(), await node()];
    const tps = '1673061002903';
    await a.handler.handle(tps, { type: 'SubmitTally', data: tally(tps, 'PPWP') }, ctx(tps));
    const correct = (expectedRevision: number, first: number): TpsCommand => ({
      type: 'CorrectTally',
      data: { ...tally(tps, 'PPWP', form(first)), expectedRevision, reason: 'salah hitung' },
    });
    await b.handler.handle(tps, correct(0, 61), ctx(tps));
    // a's cache still says the tally is at revision 0: a correction of revision 1 would be refused as stale.
    const r = await a.handler.handle(tps, correct(1, 62), ctx(tps));
    expect(r.event.revision).toBe(2n);
    await expect(a.handler.handle(tps, correct(1, 63), ctx(tps))).rejects.toMatchObject({ code: 'TALLY.STALE_REVISION' });
  });

  it("another module's decider (decideOver) gets the recorded history even when the state is cached", async () => {
    const a = await node();
    const tps = '1673061002904';
    await a.handler.handle(tps, checkIn(tps), ctx(tps));
    await a.handler.handle(tps, { type: 'SubmitTally', data: tally(tps, 'PPWP') }, ctx(tps));
    const readsBefore = a.reads();
    let seen: string[] = [];
    const r = await a.handler.handle(
      tps,
      {
        decideOver: (history, state) => {
          seen = history.map((e) => e.type);
          return decide({ type: 'SubmitTally', data: tally(tps, 'DPD') }, state);
        },
      },
      ctx(tps),
    );
    expect(seen).toEqual(['OfficerCheckedIn', 'TallySubmitted']);
    expect(a.reads()).toBe(readsBefore + 1);
    expect(r.event.revision).toBe(2n);
    // Its append refreshed the cache: the next tally decides on revision 2 without a read.
    const next = await a.handler.handle(tps, { type: 'SubmitTally', data: tally(tps, 'DPR') }, ctx(tps));
    expect([next.event.revision, a.reads()]).toEqual([3n, readsBefore + 1]);
  });

  it('keeps a bounded number of TPS', async () => {
    const { TpsStateCache } = await import('./tps-state-cache.js');
    const cache = new TpsStateCache(2);
    const entry = { state: {} as never, revision: 0n, lastHash: null, ids: new Set<string>() };
    for (const s of ['a', 'b', 'c']) cache.set(s, entry);
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
  });
});
