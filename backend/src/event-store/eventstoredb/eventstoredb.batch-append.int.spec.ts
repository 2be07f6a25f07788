/**
 * The append path a real EventStoreDB (21.10+) makes the client take: BatchAppend, announced in ServerFeatures. Its
 * "not handled" answers (busy, not ready, no leader) must be retried and, if they persist, become the port's
 * StoreUnavailableError (503), never an unknown error (500). Runs over the FAKE EventStoreDB server (a test double:
 * test/fakes/eventstoredb-fake.server.ts) with the real @eventstore/db-client in between.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { startFakeEventStoreDb, type FakeEventStoreDb } from '../../../test/fakes/eventstoredb-fake.server.js';
import type { FakeAppendFault } from '../../../test/fakes/eventstoredb-fake.batch.js';
import { StoreUnavailableError, WrongExpectedRevisionError } from '../event-store.errors.js';
import { freshStream, ids, newEvents } from '../testing/contract-support.js';
import { EventStoreDbEventStore } from './eventstoredb.event-store.js';

describe('EventStoreDbEventStore appends through BatchAppend (fake EventStoreDB server)', () => {
  let fake: FakeEventStoreDb;
  let store: EventStoreDbEventStore;
  beforeAll(async () => {
    fake = await startFakeEventStoreDb({ batchAppend: true });
    store = EventStoreDbEventStore.connect(fake.url);
  });
  afterEach(() => fake.clearFaults());
  afterAll(async () => {
    await store?.close();
    await fake?.stop();
  });

  it('takes the BatchAppend path the server announces', async () => {
    const before = { ...fake.appendCalls };
    await store.appendToStream(freshStream('path'), newEvents(2), { expectedRevision: 'no_stream' });
    expect(fake.appendCalls.batch).toBeGreaterThan(before.batch);
    expect(fake.appendCalls.classic).toBe(before.classic);
  });

  it.each<FakeAppendFault>(['busy', 'not-ready', 'no-leader', 'timeout'])(
    'retries an append the server answered "%s" and writes it once',
    async (fault) => {
      const s = freshStream(`retry-${fault}`);
      const batch = newEvents(2);
      const injected = fake.faultsInjected;
      fake.failNextAppends(fault, 1);
      const r = await store.appendToStream(s, batch, { expectedRevision: 'no_stream' });
      expect(fake.faultsInjected).toBe(injected + 1);
      expect(r.nextExpectedRevision).toBe(1n);
      expect(ids(await store.readStream(s))).toEqual(ids(batch));
    },
  );

  it('a write the server committed after answering Timeout is found on the retry, not written twice', async () => {
    const s = freshStream('late-commit');
    const batch = newEvents(2);
    fake.failNextAppends('timeout-after-write', 1);
    const r = await store.appendToStream(s, batch, { expectedRevision: 'any' });
    const stored = await store.readStream(s);
    expect(ids(stored)).toEqual(ids(batch));
    expect(r).toMatchObject({ nextExpectedRevision: 1n, position: stored[1].position });
  });

  it.each<FakeAppendFault>(['busy', 'not-ready', 'no-leader'])(
    'a server that keeps answering "%s" gives StoreUnavailableError (503) after a bounded retry',
    async (fault) => {
      const s = freshStream(`down-${fault}`);
      const injected = fake.faultsInjected;
      fake.failNextAppends(fault, 100);
      const error = await store.appendToStream(s, newEvents(1), { expectedRevision: 'no_stream' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toMatch(/Server Is|No leader info/);
      const tries = fake.faultsInjected - injected;
      expect(tries).toBeGreaterThan(1);
      expect(tries).toBeLessThan(10);
      fake.clearFaults();
      expect(await store.readStream(s)).toEqual([]);
    },
  );

  it('a conflict answered through BatchAppend is the port conflict, with the actual revision', async () => {
    const s = freshStream('wev');
    await store.appendToStream(s, newEvents(2), { expectedRevision: 'no_stream' });
    const error = await store.appendToStream(s, newEvents(1), { expectedRevision: 0n }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ stream: s, expected: 0n, actual: 1n });
  });
});
