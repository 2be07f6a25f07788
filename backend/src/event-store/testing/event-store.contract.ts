/**
 * The ONE contract suite every event-store adapter passes. An adapter's spec calls
 * `eventStoreContract('MyStore', async () => ({ store, newClient, cleanup }))`.
 *
 * The store may be shared by all tests (and hold events from earlier ones), so every test uses fresh stream names and
 * filters the global log down to its own streams before asserting on it.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { AppendResult, EventStore } from '../event-store.port.js';
import { comparePositions, positionFromString, positionToString, type Position } from '../position.js';
import {
  expectConflict,
  expectStrictlyIncreasing,
  freshStream,
  ids,
  newEvent,
  newEvents,
  only,
  readAllShowing,
  SubscriptionProbe,
  WAIT_MS,
} from './contract-support.js';
import { batchContract } from './batch.contract.js';
import { concurrencyContract } from './concurrency.contract.js';

export interface ContractHarness {
  store: EventStore;
  /** another independent client of the same store (own connections) */
  newClient(): Promise<EventStore>;
  cleanup(): Promise<void>;
  /**
   * Streams the racing-creators test creates (default 300). An adapter whose server orders writes itself (EventStoreDB)
   * may run fewer: over the test double each contended 'any' append costs several round trips.
   */
  raceStreams?: number;
}

/** What an idempotent re-append must repeat: the original revision and position (`written` says who wrote). */
const sameResult = ({ nextExpectedRevision, position }: AppendResult) => ({ nextExpectedRevision, position });

export function eventStoreContract(name: string, setup: () => Promise<ContractHarness>): void {
  describe(`event store contract: ${name}`, () => {
    let h: ContractHarness;
    const store = () => h.store;
    beforeAll(async () => {
      h = await setup();
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    describe('appendToStream', () => {
      it("'no_stream' creates a stream whose revisions count from 0, and conflicts once it exists", async () => {
        const s = freshStream('nostream');
        const r = await store().appendToStream(s, newEvents(2), { expectedRevision: 'no_stream' });
        expect(r.nextExpectedRevision).toBe(1n);
        expect((await store().readStream(s)).map((e) => e.revision)).toEqual([0n, 1n]);
        await expectConflict(store().appendToStream(s, newEvents(1), { expectedRevision: 'no_stream' }), s, 'no_stream', 1n);
        expect(await store().readStream(s)).toHaveLength(2);
      });

      it("'stream_exists' conflicts with actual 'no_stream' on a missing stream and appends to an existing one", async () => {
        const s = freshStream('exists');
        await expectConflict(
          store().appendToStream(s, newEvents(1), { expectedRevision: 'stream_exists' }),
          s,
          'stream_exists',
          'no_stream',
        );
        expect(await store().readStream(s)).toEqual([]);
        await store().appendToStream(s, newEvents(1), { expectedRevision: 'no_stream' });
        const r = await store().appendToStream(s, newEvents(2), { expectedRevision: 'stream_exists' });
        expect(r.nextExpectedRevision).toBe(2n);
      });

      it('an exact revision appends when it matches and conflicts with the actual revision when not', async () => {
        const s = freshStream('exact');
        await expectConflict(store().appendToStream(s, newEvents(1), { expectedRevision: 0n }), s, 0n, 'no_stream');
        await store().appendToStream(s, newEvents(3), { expectedRevision: 'no_stream' });
        await expectConflict(store().appendToStream(s, newEvents(1), { expectedRevision: 1n }), s, 1n, 2n);
        await expectConflict(store().appendToStream(s, newEvents(1), { expectedRevision: 5n }), s, 5n, 2n);
        const r = await store().appendToStream(s, newEvents(1), { expectedRevision: 2n });
        expect(r.nextExpectedRevision).toBe(3n);
        expect(await store().readStream(s)).toHaveLength(4);
      });

      it("'any' appends whether or not the stream exists", async () => {
        const s = freshStream('any');
        expect((await store().appendToStream(s, newEvents(1), { expectedRevision: 'any' })).nextExpectedRevision).toBe(0n);
        expect((await store().appendToStream(s, newEvents(2), { expectedRevision: 'any' })).nextExpectedRevision).toBe(2n);
      });

      it('returns the position of the last appended event, later appends get later positions', async () => {
        const s = freshStream('pos');
        const a = await store().appendToStream(s, newEvents(2), { expectedRevision: 'no_stream' });
        const b = await store().appendToStream(s, newEvents(1), { expectedRevision: 1n });
        const events = await store().readStream(s);
        expect(events[1].position).toEqual(a.position);
        expect(events[2].position).toEqual(b.position);
        expect(comparePositions(a.position, b.position)).toBe(-1);
        expect(comparePositions(events[0].position, events[1].position)).toBe(-1);
      });
    });

    describe('idempotent appends', () => {
      it('re-appending the same event ids returns the original result and writes nothing', async () => {
        const s = freshStream('idem');
        const batch = newEvents(2);
        const first = await store().appendToStream(s, batch, { expectedRevision: 'no_stream' });
        const again = await store().appendToStream(s, batch, { expectedRevision: 'no_stream' });
        expect(sameResult(again)).toEqual(sameResult(first));
        // An adapter that says whether it wrote must not claim the re-append wrote (it may not say at all).
        expect(first.written).not.toBe(false);
        expect(again.written).not.toBe(true);
        expect(ids(await store().readStream(s))).toEqual(ids(batch));
      });

      it('stays a no-op after other events were appended, even though the expected revision now conflicts', async () => {
        const s = freshStream('idemlater');
        const batch = newEvents(2);
        const first = await store().appendToStream(s, batch, { expectedRevision: 'no_stream' });
        await store().appendToStream(s, newEvents(1), { expectedRevision: 1n });
        expect(sameResult(await store().appendToStream(s, batch, { expectedRevision: 'no_stream' }))).toEqual(sameResult(first));
        const single = await store().appendToStream(s, [batch[0]], { expectedRevision: 'no_stream' });
        expect(single.nextExpectedRevision).toBe(0n);
        expect(await store().readStream(s)).toHaveLength(3);
      });

      it('compares event ids whatever their case: a retry with the ids in upper case is the same append', async () => {
        const s = freshStream('idemcase');
        const batch = newEvents(2).map((e) => ({ ...e, id: e.id.toUpperCase() }));
        const first = await store().appendToStream(s, batch, { expectedRevision: 'no_stream' });
        const lower = batch.map((e) => ({ ...e, id: e.id.toLowerCase() }));
        for (const retry of [batch, lower]) {
          for (const expectedRevision of ['no_stream', 'any'] as const) {
            expect(sameResult(await store().appendToStream(s, retry, { expectedRevision }))).toEqual(sameResult(first));
          }
        }
        expect(ids(await store().readStream(s)).map((id) => id.toLowerCase())).toEqual(lower.map((e) => e.id));
      });

      it('a batch that only partly repeats earlier ids is rejected and writes nothing', async () => {
        const s = freshStream('partial');
        const batch = newEvents(2);
        await store().appendToStream(s, batch, { expectedRevision: 'no_stream' });
        await expect(store().appendToStream(s, [batch[1], newEvent()], { expectedRevision: 0n })).rejects.toBeInstanceOf(Error);
        expect(ids(await store().readStream(s))).toEqual(ids(batch));
      });
    });

    describe('readStream', () => {
      it('round-trips id, type, data, metadata and recordedAt', async () => {
        const s = freshStream('roundtrip');
        const e = newEvent('TallySubmitted', { tps: 'TPS 001 Kelurahan Ñ', votes: [1, 2, { x: null }], ok: true });
        e.metadata = { ...e.metadata, causationId: null, clientTime: '2024-02-14T01:02:03.000Z', extra: { nested: 'ü' } };
        const before = Date.now();
        await store().appendToStream(s, [e], { expectedRevision: 'no_stream' });
        const [got] = await store().readStream(s);
        expect({ id: got.id, stream: got.stream, revision: got.revision, type: got.type, data: got.data, metadata: got.metadata }).toEqual({
          id: e.id,
          stream: s,
          revision: 0n,
          type: e.type,
          data: e.data,
          metadata: e.metadata,
        });
        expect(got.recordedAt).toBeInstanceOf(Date);
        expect(Math.abs(got.recordedAt.getTime() - before)).toBeLessThan(60_000);
      });

      it('reads forwards and backwards, from a revision, up to maxCount', async () => {
        const s = freshStream('read');
        // 12 events, so an order by the text of a revision ("10" < "9") would show.
        await store().appendToStream(s, newEvents(12), { expectedRevision: 'no_stream' });
        const range = (from: number, to: number) =>
          Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => (from <= to ? from + i : from - i));
        const revs = async (o: Parameters<EventStore['readStream']>[1]) => (await store().readStream(s, o)).map((e) => Number(e.revision));
        expect(await revs(undefined)).toEqual(range(0, 11));
        expect(await revs({ fromRevision: 8n })).toEqual(range(8, 11));
        expect(await revs({ fromRevision: 8n, maxCount: 3 })).toEqual([8, 9, 10]);
        expect(await revs({ direction: 'backwards' })).toEqual(range(11, 0));
        expect(await revs({ direction: 'backwards', fromRevision: 10n })).toEqual(range(10, 0));
        expect(await revs({ direction: 'backwards', maxCount: 3 })).toEqual([11, 10, 9]);
        expect(await revs({ fromRevision: 12n })).toEqual([]);
      });

      it('returns [] for an unknown stream', async () => {
        expect(await store().readStream(freshStream('unknown'))).toEqual([]);
        expect(await store().readStream(freshStream('unknown'), { direction: 'backwards' })).toEqual([]);
      });
    });

    describe('readAll and headPosition', () => {
      async function appendInterleaved(): Promise<{ streams: string[]; order: string[]; start: Position | 'start' }> {
        const start = (await store().headPosition()) ?? 'start';
        const streams = [freshStream('all-a'), freshStream('all-b'), freshStream('all-c')];
        const order: string[] = [];
        for (let round = 0; round < 2; round++) {
          for (const s of streams) {
            const batch = newEvents(2);
            await store().appendToStream(s, batch, { expectedRevision: 'any' });
            order.push(...ids(batch));
          }
        }
        return { streams, order, start };
      }

      it('reads forwards in append order, strictly after `after`, with positions increasing', async () => {
        const { streams, order, start } = await appendInterleaved();
        const all = await readAllShowing(store(), { after: start }, order);
        expectStrictlyIncreasing(all);
        expect(ids(only(all, streams))).toEqual(order);
        const first = only(all, streams)[0];
        const after = await store().readAll({ after: first.position });
        expect(ids(only(after, streams))).toEqual(order.slice(1));
      });

      it('pages forwards with maxCount without gaps or repeats', async () => {
        const { streams, order, start } = await appendInterleaved();
        await readAllShowing(store(), { after: start }, order);
        const seen: string[] = [];
        let after: Position | 'start' = start;
        for (let page = 0; page < 100; page++) {
          const batch = await store().readAll({ after, maxCount: 4 });
          expect(batch.length).toBeLessThanOrEqual(4);
          if (batch.length === 0) break;
          seen.push(...ids(only(batch, streams)));
          after = batch[batch.length - 1].position;
        }
        expect(seen).toEqual(order);
      });

      it('reads backwards from the end and strictly before `after`', async () => {
        const { streams, order, start } = await appendInterleaved();
        await readAllShowing(store(), { after: start }, order);
        const back = await store().readAll({ direction: 'backwards', maxCount: order.length });
        expect(ids(only(back, streams))).toEqual([...order].reverse());
        expectStrictlyIncreasing([...back].reverse());
        const newest = back[0];
        const before = await store().readAll({ direction: 'backwards', after: newest.position, maxCount: 3 });
        expect(ids(before)).toEqual(ids(back.slice(1, 4)));
      });

      it('headPosition is the position of the newest event', async () => {
        const s = freshStream('head');
        const start = (await store().headPosition()) ?? 'start';
        const batch = newEvents(2);
        const r = await store().appendToStream(s, batch, { expectedRevision: 'no_stream' });
        await readAllShowing(store(), { after: start }, ids(batch));
        const head = await store().headPosition();
        expect(head).not.toBeNull();
        expect(comparePositions(head!, r.position)).toBeGreaterThanOrEqual(0);
        const [newest] = await store().readAll({ direction: 'backwards', maxCount: 1 });
        expect(head).toEqual(newest.position);
        expect(await store().readAll({ after: head! })).toEqual([]);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up, says caught-up once, then delivers live events in order', async () => {
        const start = (await store().headPosition()) ?? 'start';
        const s = freshStream('sub');
        const old = newEvents(3);
        await store().appendToStream(s, old, { expectedRevision: 'no_stream' });
        // "Caught up" means with what log readers can see; on PostgreSQL an unrelated open transaction elsewhere on the
        // server can hide a commit for a moment, so wait until the old events are visible before subscribing.
        await readAllShowing(store(), { after: start }, ids(old));
        const probe = new SubscriptionProbe(store(), { after: start, batchSize: 2 });
        try {
          await probe.waitForCaughtUp();
          const caughtUpAt = probe.caughtUpIndex();
          expect(
            ids(
              only(
                probe.messages.slice(0, caughtUpAt).flatMap((m) => (m.kind === 'events' ? m.events : [])),
                [s],
              ),
            ),
          ).toEqual(ids(old));
          const live = newEvents(2);
          await store().appendToStream(s, live.slice(0, 1), { expectedRevision: 2n });
          await store().appendToStream(s, live.slice(1), { expectedRevision: 3n });
          const got = await probe.waitForEvents([s], 5);
          expect(ids(got)).toEqual(ids([...old, ...live]));
          expect(got.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
          expectStrictlyIncreasing(probe.allEvents());
          expect(probe.messages.filter((m) => m.kind === 'caught-up')).toHaveLength(1);
          for (const m of probe.messages) if (m.kind === 'events') expect(m.events.length).toBeLessThanOrEqual(2);
        } finally {
          await probe.stop();
        }
        expect(probe.error).toBeUndefined();
      });

      it('resumes from a saved checkpoint string with nothing missed and nothing repeated', async () => {
        const start = (await store().headPosition()) ?? 'start';
        const s = freshStream('resume');
        const batch = newEvents(6);
        await store().appendToStream(s, batch, { expectedRevision: 'no_stream' });
        // As in the catch-up test: subscribe once log readers can see the batch (PostgreSQL's xmin, see above).
        await readAllShowing(store(), { after: start }, ids(batch));
        const handled: string[] = [];
        let checkpoint = '';
        // Handle one event at a time, checkpointing each, then "crash" in the middle of a batch.
        consume: for await (const m of store().subscribeToAll({ after: start, batchSize: 2 })) {
          if (m.kind === 'caught-up') break;
          for (const x of m.events) {
            if (x.stream === s) handled.push(x.id);
            checkpoint = positionToString(x.position);
            if (handled.length === 3) break consume;
          }
        }
        expect(handled).toEqual(ids(batch.slice(0, 3)));
        const more = newEvents(2);
        await store().appendToStream(s, more, { expectedRevision: 5n });
        const probe = new SubscriptionProbe(store(), { after: positionFromString(checkpoint) });
        try {
          const rest = await probe.waitForEvents([s], 5);
          expect([...handled, ...ids(rest)]).toEqual(ids([...batch, ...more]));
        } finally {
          await probe.stop();
        }
      });

      it('ends promptly when the consumer breaks out of the loop, and on abort', async () => {
        const s = freshStream('stop');
        await store().appendToStream(s, newEvents(1), { expectedRevision: 'no_stream' });
        const head = (await store().headPosition())!;
        const broke = (async () => {
          for await (const m of store().subscribeToAll({ after: head })) if (m.kind === 'caught-up') break;
        })();
        await within(broke, 'break out of a live subscription');
        const probe = new SubscriptionProbe(store(), { after: head });
        await probe.waitForCaughtUp();
        await probe.stop();
        expect(probe.error).toBeUndefined();
        // The store still works after both subscriptions ended.
        await store().appendToStream(s, newEvents(1), { expectedRevision: 0n });
      });
    });

    batchContract(store);
    concurrencyContract(() => h);
  });
}

async function within(p: Promise<unknown>, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${WAIT_MS} ms: ${what}`)), WAIT_MS);
  });
  try {
    await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
