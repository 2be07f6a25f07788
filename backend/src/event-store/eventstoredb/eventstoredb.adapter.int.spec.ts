/**
 * What the shared contract cannot see about the EventStoreDB adapter: how it maps the real client's quirks, survives a
 * dropped connection, hides system events and reports an unreachable server. Runs over the FAKE EventStoreDB server
 * (a test double: test/fakes/eventstoredb-fake.server.ts), with the real @eventstore/db-client in between.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventStoreDBClient, jsonEvent, WrongExpectedVersionError } from '@eventstore/db-client';
import { startFakeEventStoreDb, type FakeEventStoreDb } from '../../../test/fakes/eventstoredb-fake.server.js';
import { StoreUnavailableError, WrongExpectedRevisionError } from '../event-store.errors.js';
import { freshStream, ids, newEvents, SubscriptionProbe } from '../testing/contract-support.js';
import { toActual, toStoreError } from './eventstoredb.mapping.js';
import { EventStoreDbEventStore } from './eventstoredb.event-store.js';

describe('EventStoreDbEventStore over the fake EventStoreDB server', () => {
  let fake: FakeEventStoreDb;
  let store: EventStoreDbEventStore;
  beforeAll(async () => {
    fake = await startFakeEventStoreDb();
    store = EventStoreDbEventStore.connect(fake.url);
  });
  afterAll(async () => {
    await store?.close();
    await fake?.stop();
  });

  describe("the client's 'no_stream' actual version", () => {
    it("comes from the real client as the string and becomes the port's no_stream", async () => {
      const s = freshStream('raw');
      const raw = EventStoreDBClient.connectionString(fake.url);
      try {
        const error = await raw.appendToStream(s, jsonEvent({ type: 'T', data: {} }), { expectedRevision: 0n }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect((error as WrongExpectedVersionError).actualVersion).toBe('no_stream');
        const mapped = toStoreError(error, s, 0n) as WrongExpectedRevisionError;
        expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
        expect({ stream: mapped.stream, expected: mapped.expected, actual: mapped.actual }).toEqual({
          stream: s,
          expected: 0n,
          actual: 'no_stream',
        });
      } finally {
        await raw.dispose();
      }
    });

    it('maps every shape of actual version the client produces', () => {
      expect(toActual('no_stream')).toBe('no_stream');
      expect(toActual(-1n)).toBe('no_stream');
      expect(toActual(7n)).toBe(7n);
    });
  });

  it('returns the original position when the server acknowledges a re-append without one', async () => {
    const s = freshStream('nopos');
    const batch = newEvents(2);
    const first = await store.appendToStream(s, batch, { expectedRevision: 'no_stream' });
    // Under the adapter: the fake answers like EventStoreDB, success with revisions but no log position.
    const raw = EventStoreDBClient.connectionString(fake.url);
    try {
      const again = await raw.appendToStream(
        s,
        batch.map((e) => jsonEvent(e as never)),
        { expectedRevision: 'no_stream' },
      );
      expect(again.position).toBeUndefined();
    } finally {
      await raw.dispose();
    }
    expect(await store.appendToStream(s, batch, { expectedRevision: 'no_stream' })).toEqual(first);
    expect(await store.appendToStream(s, batch, { expectedRevision: 'any' })).toEqual(first);
    expect(await store.readStream(s)).toHaveLength(2);
  });

  it('writes nothing for ids the stream holds even when the expected revision is the current one', async () => {
    // EventStoreDB (and the fake) would append these again: the adapter's read-before-write keeps the port's promise.
    const s = freshStream('current');
    const batch = newEvents(2);
    const first = await store.appendToStream(s, batch, { expectedRevision: 'no_stream' });
    expect(await store.appendToStream(s, batch, { expectedRevision: 1n })).toEqual(first);
    expect(await store.appendToStream(s, batch, { expectedRevision: 'stream_exists' })).toEqual(first);
    await expect(store.appendToStream(s, [batch[1], ...newEvents(1)], { expectedRevision: 1n })).rejects.toBeInstanceOf(
      WrongExpectedRevisionError,
    );
    expect(ids(await store.readStream(s))).toEqual(ids(batch));
  });

  it('hides system events from readAll, headPosition and subscriptions', async () => {
    const start = (await store.headPosition()) ?? 'start';
    const s = freshStream('sys');
    const probe = new SubscriptionProbe(store, { after: start });
    try {
      fake.appendSystemEvent();
      await store.appendToStream(s, newEvents(1), { expectedRevision: 'no_stream' });
      fake.appendSystemEvent();
      await probe.waitForCaughtUp();
      await store.appendToStream(s, newEvents(1), { expectedRevision: 0n });
      fake.appendSystemEvent();
      await probe.waitForEvents([s], 2);
      const all = await store.readAll({ after: start });
      expect(all.filter((e) => e.type.startsWith('$') || e.stream.startsWith('$'))).toEqual([]);
      expect(probe.allEvents().filter((e) => e.stream.startsWith('$'))).toEqual([]);
      expect(fake.log.all[fake.log.all.length - 1].stream.startsWith('$')).toBe(true);
      expect(await store.headPosition()).toEqual(all[all.length - 1].position);
    } finally {
      await probe.stop();
    }
  });

  it('resubscribes from the last delivered position after the server drops the connection', async () => {
    const s = freshStream('drop');
    const before = newEvents(3);
    await store.appendToStream(s, before, { expectedRevision: 'no_stream' });
    const probe = new SubscriptionProbe(store, { after: 'start', batchSize: 2 });
    try {
      await probe.waitForCaughtUp();
      fake.dropConnections();
      const during = newEvents(2);
      await store.appendToStream(s, during, { expectedRevision: 2n });
      fake.dropConnections();
      await new Promise((r) => setTimeout(r, 50));
      fake.dropConnections();
      const after = newEvents(2);
      await store.appendToStream(s, after, { expectedRevision: 4n });
      const got = await probe.waitForEvents([s], 7);
      expect(ids(got)).toEqual(ids([...before, ...during, ...after]));
      expect(probe.messages.filter((m) => m.kind === 'caught-up')).toHaveLength(1);
      expect(probe.error).toBeUndefined();
    } finally {
      await probe.stop();
    }
  });

  it('close() ends open subscriptions', async () => {
    const other = EventStoreDbEventStore.connect(fake.url);
    const probe = new SubscriptionProbe(other, { after: 'start' });
    await probe.waitForCaughtUp();
    await other.close();
    await probe.done;
    expect(probe.finished).toBe(true);
    await expect(other.readAll()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('EventStoreDbEventStore connection strings and an unreachable server', () => {
  it('accepts gossip seeds and DNS discovery strings without connecting, rejects malformed ones', async () => {
    for (const url of ['esdb://a.example:2113,b.example:2113,c.example:2113?tls=true', 'esdb+discover://cluster.example:2113?tls=true']) {
      const store = EventStoreDbEventStore.connect(url);
      expect(store.kind).toBe('eventstoredb');
      await store.close();
    }
    expect(() => EventStoreDbEventStore.connect('postgres://not-esdb')).toThrow(/invalid EventStoreDB connection string/);
  });

  it('reports StoreUnavailableError for every operation when nothing listens', async () => {
    const gone = await startFakeEventStoreDb();
    await gone.stop();
    const store = EventStoreDbEventStore.connect(gone.url);
    try {
      const started = Date.now();
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.appendToStream(freshStream('down'), newEvents(1), { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      await expect(store.readStream(freshStream('down'))).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.readAll()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.headPosition()).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await store.close();
    }
  });

  it('reports StoreUnavailableError when no gossip seed answers', async () => {
    const store = EventStoreDbEventStore.connect('esdb://127.0.0.1:1,127.0.0.1:2?tls=false&maxDiscoverAttempts=1&gossipTimeout=1');
    try {
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await store.close();
    }
  });
});
