import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-db.js';
import { openDataSource } from '../../database/data-source.js';
import { StoreUnavailableError } from '../event-store.errors.js';
import { comparePositions } from '../position.js';
import { eventStoreContract } from '../testing/event-store.contract.js';
import { freshStream, newEvent, SubscriptionProbe, waitUntil } from '../testing/contract-support.js';
import { PostgresEventStore, type PostgresEventStoreOptions } from './postgres.event-store.js';
import { appendSql } from './sql.js';

let db: TestDatabase;
const opened: PostgresEventStore[] = [];
const rawClients: pg.Client[] = [];

async function migratedDatabase(label: string): Promise<TestDatabase> {
  const created = await createTestDatabase(label);
  await (await openDataSource(created.url)).destroy();
  return created;
}

async function open(opts: Partial<PostgresEventStoreOptions> = {}, url = db.url): Promise<PostgresEventStore> {
  const store = await PostgresEventStore.connect({ connectionString: url, poolSize: 2, ...opts });
  opened.push(store);
  return store;
}

async function raw(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  rawClients.push(client);
  return client;
}

beforeAll(async () => {
  db = await migratedDatabase('es');
});

afterAll(async () => {
  await Promise.all(rawClients.map((c) => c.end().catch(() => undefined)));
  await Promise.all(opened.map((s) => s.close()));
  await db?.drop();
});

eventStoreContract('PostgresEventStore', async () => ({
  store: await open({ poolSize: 10, pollIntervalMs: 100 }),
  newClient: () => open(),
  cleanup: async () => undefined,
}));

describe('PostgresEventStore specifics', () => {
  it('a subscriber never delivers past an open transaction, then delivers the late commit first, losing nothing', async () => {
    const store = await open({ pollIntervalMs: 50 });
    const head = (await store.headPosition()) ?? 'start';
    const probe = new SubscriptionProbe(store, { after: head });
    const [early, late] = [freshStream('early-xid'), freshStream('late-xid')];
    const holder = await raw();
    try {
      await probe.waitForCaughtUp();
      // 1. An append transaction takes its xid, writes through the adapter's own SQL, and stays open.
      await holder.query('BEGIN');
      const held = newEvent('Held');
      await holder.query(appendSql('no_stream'), [early, '1', JSON.stringify([held])]);
      // 2. A later transaction (higher xid) commits meanwhile.
      const committed = await store.appendToStream(late, [newEvent('Committed')], { expectedRevision: 'no_stream' });
      // 3. It is not visible to log readers while the older transaction may still commit before it.
      await new Promise((r) => setTimeout(r, 400)); // several poll intervals and the NOTIFY wake-up
      expect(probe.events([early, late])).toEqual([]);
      expect((await store.readAll({ after: head })).filter((e) => e.stream === late)).toEqual([]);
      const visibleHead = await store.headPosition();
      expect(visibleHead === null || comparePositions(visibleHead, committed.position) < 0).toBe(true);
      // 4. The older transaction commits: both arrive, the late commit first (lower xid), nothing lost.
      await holder.query('COMMIT');
      const got = await probe.waitForEvents([early, late], 2);
      expect(got.map((e) => e.stream)).toEqual([early, late]);
      expect(got[0].id).toBe(held.id);
      expect(comparePositions(got[0].position, got[1].position)).toBe(-1);
      expect(got[1].position).toEqual(committed.position);
      expect((await store.readAll({ after: head })).filter((e) => e.stream === early || e.stream === late)).toEqual(got);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await probe.stop();
    }
  });

  it('reports what an open transaction elsewhere in the cluster hides, and which transaction it is', async () => {
    const store = await open();
    const other = await createTestDatabase('esvisibility');
    const holder = new pg.Client({ connectionString: other.url, application_name: 'visibility-probe' });
    await holder.connect();
    try {
      expect((await store.visibility()).hiddenEvents).toBe(0);
      await holder.query('BEGIN');
      await holder.query('SELECT pg_current_xact_id()');
      const s = freshStream('hidden');
      await store.appendToStream(s, [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
      await store.appendToStream(s, [newEvent()], { expectedRevision: 1n });
      // The oldest xid holder is cluster-wide: a test file running beside this one may briefly hold an older one.
      let seen = await store.visibility();
      for (const end = Date.now() + 10_000; seen.oldestXidTransaction?.application !== 'visibility-probe' && Date.now() < end;) {
        await new Promise((r) => setTimeout(r, 100));
        seen = await store.visibility();
      }
      expect(seen).toMatchObject({
        hiddenCapped: false,
        oldestXidTransaction: { database: other.name, application: 'visibility-probe', state: 'idle in transaction' },
      });
      expect(seen.hiddenEvents).toBeGreaterThanOrEqual(3);
      // The store's readers cannot see them, which is why the lag through them said 0.
      expect((await store.readAll({ direction: 'backwards', maxCount: 5 })).filter((e) => e.stream === s)).toEqual([]);
      await holder.query('COMMIT');
      expect(await store.visibility()).toMatchObject({ hiddenEvents: 0 });
    } finally {
      await holder.end();
      await other.drop();
    }
  });

  it('the store and the read-model pools end a transaction left idle (idle_in_transaction_session_timeout)', async () => {
    const store = await open();
    const pool = (store as unknown as { pool: pg.Pool }).pool;
    expect((await pool.query('SHOW idle_in_transaction_session_timeout')).rows).toEqual([{ idle_in_transaction_session_timeout: '15s' }]);
    const ds = await openDataSource(db.url);
    try {
      expect(await ds.query('SHOW idle_in_transaction_session_timeout')).toEqual([{ idle_in_transaction_session_timeout: '15s' }]);
    } finally {
      await ds.destroy();
    }
  });

  it('NOTIFY wakes a live subscriber: with polling effectively off, the event still arrives', async () => {
    // A 10-minute poll interval: delivery within the bounded wait below can only come from the NOTIFY wake-up (and its
    // short re-checks while another transaction on the server still hides the commit). No timing is asserted.
    const subscriber = await open({ pollIntervalMs: 600_000 });
    const appender = await open();
    const probe = new SubscriptionProbe(subscriber, { after: (await subscriber.headPosition()) ?? 'start' });
    try {
      await probe.waitForCaughtUp();
      const s = freshStream('notify');
      await appender.appendToStream(s, [newEvent()], { expectedRevision: 'no_stream' });
      await waitUntil(
        () => probe.events([s]).length === 1,
        () => 'the NOTIFY wake-up to deliver the event',
        30_000,
      );
      expect(probe.events([s])).toHaveLength(1);
    } finally {
      await probe.stop();
    }
  });

  it('identical retries racing each other write once and all get the same result', async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, () => open()));
    for (const expectedRevision of ['no_stream', 'any'] as const) {
      const s = freshStream(`retry-race-${expectedRevision}`);
      const batch = [newEvent(), newEvent()];
      const results = await Promise.all(clients.map((c) => c.appendToStream(s, batch, { expectedRevision })));
      // Exactly one call wrote; the others are told they were answered from what was stored.
      expect(results.filter((r) => r.written)).toHaveLength(1);
      expect(results.filter((r) => r.written === false)).toHaveLength(clients.length - 1);
      const first = { nextExpectedRevision: results[0].nextExpectedRevision, position: results[0].position };
      for (const r of results) expect({ nextExpectedRevision: r.nextExpectedRevision, position: r.position }).toEqual(first);
      expect((await clients[0].readStream(s)).map((e) => e.id)).toEqual(batch.map((e) => e.id));
    }
    await Promise.all(clients.map((c) => c.close()));
  });

  it('close() ends live subscriptions and releases every connection', async () => {
    const store = await PostgresEventStore.connect({ connectionString: db.url, pollIntervalMs: 10_000 });
    const probe = new SubscriptionProbe(store, { after: 'start' });
    await probe.waitForCaughtUp();
    await store.close();
    await waitUntil(
      () => probe.finished,
      () => 'the subscription to end after close()',
      3000,
    );
    expect(probe.error).toBeUndefined();
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('headPosition is null and readAll empty on an empty log', async () => {
    const empty = await migratedDatabase('esempty');
    try {
      const store = await open({}, empty.url);
      expect(await store.headPosition()).toBeNull();
      expect(await store.readAll()).toEqual([]);
      expect(await store.readAll({ direction: 'backwards' })).toEqual([]);
      await store.close();
    } finally {
      await empty.drop();
    }
  });

  it('maps a refused connection to StoreUnavailableError', async () => {
    const attempt = PostgresEventStore.connect({ connectionString: 'postgres://postgres@127.0.0.1:1/none', statementTimeoutMs: 1000 });
    await expect(attempt).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('maps a statement_timeout to StoreUnavailableError', async () => {
    const store = await open({ statementTimeoutMs: 300 });
    const s = freshStream('timeout');
    await store.appendToStream(s, [newEvent()], { expectedRevision: 'no_stream' });
    const locker = await raw();
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM es.streams WHERE stream_id = $1 FOR UPDATE', [s]);
    try {
      await expect(store.appendToStream(s, [newEvent()], { expectedRevision: 0n })).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await locker.query('ROLLBACK');
    }
  });

  it('maps a connection dropped mid-query to StoreUnavailableError', async () => {
    const store = await open();
    const s = freshStream('dropped');
    await store.appendToStream(s, [newEvent()], { expectedRevision: 'no_stream' });
    const locker = await raw();
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM es.streams WHERE stream_id = $1 FOR UPDATE', [s]);
    try {
      const blocked = store.appendToStream(s, [newEvent()], { expectedRevision: 0n });
      const outcome = blocked.then(
        () => 'appended',
        (e: unknown) => e,
      );
      const waiting = async () =>
        (
          await locker.query(
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'event-store' AND wait_event_type = 'Lock'`,
          )
        ).rows as Array<{ pid: number }>;
      let pids: Array<{ pid: number }> = [];
      const deadline = Date.now() + 3000;
      while (pids.length === 0 && Date.now() < deadline) pids = await waiting();
      expect(pids).toHaveLength(1);
      await locker.query('SELECT pg_terminate_backend($1)', [pids[0].pid]);
      expect(await outcome).toBeInstanceOf(StoreUnavailableError);
      // The pool replaces the dead connection.
      await store.ping();
    } finally {
      await locker.query('ROLLBACK');
    }
  });
});
