/**
 * Concurrent appends from one client, issued in the same tick: an adapter with group commit (PostgreSQL) writes them as
 * one group, an adapter without (EventStoreDB) one by one; the outcome of each must be what it would be alone.
 */
import { describe, it, expect } from '@jest/globals';
import type { AppendResult, EventStore } from '../event-store.port.js';
import { WrongExpectedRevisionError } from '../event-store.errors.js';
import { comparePositions } from '../position.js';
import { expectConflict, freshStream, ids, newEvent, newEvents } from './contract-support.js';

export function batchContract(store: () => EventStore): void {
  describe('appends issued together (group commit where the adapter has it)', () => {
    it('successes, conflicts, replays and partial repeats side by side: each gets its own outcome, neighbours unharmed', async () => {
      const st = store();
      const [ok1, ok2, conflicting, replayed, partial] = ['ok1', 'ok2', 'conflict', 'replay', 'partial'].map(freshStream);
      const replayBatch = newEvents(2);
      const original = await st.appendToStream(replayed, replayBatch, { expectedRevision: 'no_stream' });
      await st.appendToStream(conflicting, newEvents(1), { expectedRevision: 'no_stream' });
      const p1 = newEvent();
      await st.appendToStream(partial, [p1], { expectedRevision: 'no_stream' });
      const okBatches = [newEvents(2), newEvents(1)];

      const attempts = [
        st.appendToStream(ok1, okBatches[0], { expectedRevision: 'no_stream' }),
        st.appendToStream(conflicting, newEvents(1), { expectedRevision: 5n }),
        st.appendToStream(replayed, replayBatch, { expectedRevision: 'no_stream' }),
        st.appendToStream(partial, [p1, newEvent()], { expectedRevision: 0n }),
        st.appendToStream(conflicting, newEvents(1), { expectedRevision: 'no_stream' }),
        st.appendToStream(ok2, okBatches[1], { expectedRevision: 'any' }),
      ];
      const [r1, , replay, , , r2] = await Promise.allSettled(attempts);
      await expectConflict(attempts[1], conflicting, 5n, 0n);
      await expect(attempts[3]).rejects.toBeInstanceOf(Error);
      await expectConflict(attempts[4], conflicting, 'no_stream', 0n);

      expect(r1.status).toBe('fulfilled');
      expect(r2.status).toBe('fulfilled');
      const [w1, w2] = [r1, r2].map((r) => (r as PromiseFulfilledResult<AppendResult>).value);
      expect([w1.nextExpectedRevision, w2.nextExpectedRevision]).toEqual([1n, 0n]);
      expect([w1.written, w2.written]).not.toContain(false);
      expect(replay.status).toBe('fulfilled');
      const again = (replay as PromiseFulfilledResult<AppendResult>).value;
      expect({ r: again.nextExpectedRevision, p: again.position }).toEqual({ r: original.nextExpectedRevision, p: original.position });
      expect(again.written).not.toBe(true);

      expect(ids(await st.readStream(ok1))).toEqual(ids(okBatches[0]));
      expect(ids(await st.readStream(ok2))).toEqual(ids(okBatches[1]));
      expect(ids(await st.readStream(replayed))).toEqual(ids(replayBatch));
      expect(ids(await st.readStream(partial))).toEqual([p1.id]);
      expect(await st.readStream(conflicting)).toHaveLength(1);
    });

    it('many appends to one stream with the same expected revision in one tick: exactly one wins', async () => {
      const s = freshStream('tick');
      await store().appendToStream(s, [newEvent()], { expectedRevision: 'no_stream' });
      const settled = await Promise.allSettled(
        Array.from({ length: 10 }, () => store().appendToStream(s, [newEvent()], { expectedRevision: 0n })),
      );
      expect(settled.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of settled) {
        if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);
      }
      expect(await store().readStream(s)).toHaveLength(2);
    });

    it("'any' appends to one stream in one tick: distinct revisions, revision order is log order", async () => {
      const s = freshStream('tickany');
      const results = await Promise.all(
        Array.from({ length: 8 }, () => store().appendToStream(s, [newEvent()], { expectedRevision: 'any' })),
      );
      const byRevision = [...results].sort((x, y) => (x.nextExpectedRevision < y.nextExpectedRevision ? -1 : 1));
      expect(byRevision.map((r) => r.nextExpectedRevision)).toEqual(Array.from({ length: 8 }, (_, i) => BigInt(i)));
      for (let i = 1; i < byRevision.length; i++) expect(comparePositions(byRevision[i - 1].position, byRevision[i].position)).toBe(-1);
    });
  });
}
