/**
 * The concurrency part of the contract suite (see event-store.contract.ts): many independent clients appending at once.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { EventStore } from '../event-store.port.js';
import { WrongExpectedRevisionError } from '../event-store.errors.js';
import { comparePositions } from '../position.js';
import type { ContractHarness } from './event-store.contract.js';
import { expectStrictlyIncreasing, freshStream, ids, newEvent, only, readAllShowing } from './contract-support.js';

const CLIENTS = 20;
/** Streams of the racing-creators test: the PostgreSQL defect it guards against showed in a few of 300. */
const CREATE_STREAMS = 300;
const RACERS = 5;

export function concurrencyContract(harness: () => ContractHarness): void {
  describe(`concurrency (${CLIENTS} independent clients)`, () => {
    let clients: EventStore[] = [];
    beforeAll(async () => {
      clients = await Promise.all(Array.from({ length: CLIENTS }, () => harness().newClient()));
    });
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.close()));
    });

    it('appends to 20 streams at once: all succeed and each event is in the log exactly once', async () => {
      const start = (await harness().store.headPosition()) ?? 'start';
      const streams = clients.map(() => freshStream('par'));
      const events = clients.map(() => [newEvent(), newEvent()]);
      const results = await Promise.all(clients.map((c, i) => c.appendToStream(streams[i], events[i], { expectedRevision: 'no_stream' })));
      for (const r of results) expect(r.nextExpectedRevision).toBe(1n);
      const all = await readAllShowing(
        harness().store,
        { after: start },
        events.flat().map((e) => e.id),
      );
      expectStrictlyIncreasing(all);
      const mine = only(all, streams);
      expect(new Set(ids(mine)).size).toBe(mine.length);
      expect(ids(mine).sort()).toEqual(
        events
          .flat()
          .map((e) => e.id)
          .sort(),
      );
      for (let i = 0; i < CLIENTS; i++) {
        expect(ids(mine.filter((e) => e.stream === streams[i]))).toEqual(ids(events[i]));
      }
    });

    it('20 appends to one stream with the same expected revision: exactly one wins, the others conflict', async () => {
      const s = freshStream('race');
      await harness().store.appendToStream(s, [newEvent()], { expectedRevision: 'no_stream' });
      const outcomes = await Promise.allSettled(clients.map((c) => c.appendToStream(s, [newEvent()], { expectedRevision: 0n })));
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
      expect(won).toHaveLength(1);
      for (const e of lost) {
        expect(e).toBeInstanceOf(WrongExpectedRevisionError);
        expect((e as WrongExpectedRevisionError).expected).toBe(0n);
        expect((e as WrongExpectedRevisionError).actual).toBe(1n);
      }
      expect(await harness().store.readStream(s)).toHaveLength(2);
    });

    it(`${RACERS} 'any' appends creating one stream at once, over many streams: revision order is log order`, async () => {
      // Five racers per fresh stream, four streams at a time; every racer is a client of its own.
      const streams = harness().raceStreams ?? CREATE_STREAMS;
      const misordered: string[] = [];
      for (let round = 0; round < streams / (CLIENTS / RACERS); round++) {
        await Promise.all(
          Array.from({ length: CLIENTS / RACERS }, async (_, group) => {
            const s = freshStream('anyrace');
            const racers = clients.slice(group * RACERS, (group + 1) * RACERS);
            const results = await Promise.all(racers.map((c) => c.appendToStream(s, [newEvent()], { expectedRevision: 'any' })));
            const byRevision = [...results].sort((x, y) => (x.nextExpectedRevision < y.nextExpectedRevision ? -1 : 1));
            expect(byRevision.map((r) => r.nextExpectedRevision)).toEqual(Array.from({ length: RACERS }, (_, i) => BigInt(i)));
            for (let i = 1; i < RACERS; i++) {
              if (comparePositions(byRevision[i - 1].position, byRevision[i].position) >= 0) misordered.push(`${s}@${i}`);
            }
          }),
        );
      }
      expect(misordered).toEqual([]);
    }, 180_000);

    it('20 clients retrying on conflict: one winner per revision, every event written once', async () => {
      const s = freshStream('retry');
      const mine = clients.map(() => newEvent());
      let conflicts = 0;
      await Promise.all(
        clients.map(async (c, i) => {
          for (let attempt = 0; attempt < CLIENTS * 3; attempt++) {
            const [last] = await c.readStream(s, { direction: 'backwards', maxCount: 1 });
            try {
              await c.appendToStream(s, [mine[i]], { expectedRevision: last ? last.revision : 'no_stream' });
              return;
            } catch (e) {
              if (!(e instanceof WrongExpectedRevisionError)) throw e;
              conflicts++;
            }
          }
          throw new Error(`client ${i} never got its event in`);
        }),
      );
      const events = await harness().store.readStream(s);
      expect(events.map((e) => e.revision)).toEqual(Array.from({ length: CLIENTS }, (_, i) => BigInt(i)));
      expect(ids(events).sort()).toEqual(ids(mine).sort());
      // Not asserted exactly (timing decides), but with 20 racers some conflicts must have happened.
      expect(conflicts).toBeGreaterThan(0);
    });
  });
}
