import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-db.js';
import { openDataSource } from '../../database/data-source.js';
import { StoreUnavailableError } from '../event-store.errors.js';

import { eventStoreContract } from '../testing/event-store.contract.js';
import { freshStream, ids, newEvent, newEvents } from '../testing/contract-support.js';
import { PostgresEventStore, type PostgresEventStoreOptions } from './postgres.event-store.js';

let db: TestDatabase;
const opened: PostgresEventStore[] = [];
const rawClients: pg.Client[] = [];

async function open(opts: Partial<PostgresEventStoreOptions> = {}): Promise<PostgresEventStore> {
  const store = await PostgresEventStore.connect({ connectionString: db.url, poolSize: 2, ...opts });
  opened.push(store);
  return store;
}

async function raw(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  rawClients.push(client);
  return client;
}

/** Backends of the store running a group statement that waits on a lock. */
async function waitingGroupPids(admin: pg.Client): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'event-store'
       AND wait_event_type = 'Lock' AND query LIKE '%append_batch%'`,
  );
  return rows.map((r) => r.pid);
}

beforeAll(async () => {
  db = await createTestDatabase('esgroup');
  await (await openDataSource(db.url)).destroy();
});

afterAll(async () => {
  await Promise.all(rawClients.map((c) => c.end().catch(() => undefined)));
  await Promise.all(opened.map((s) => s.close()));
  await db?.drop();
});

// The main spec runs the contract with the default (group commit on); this one with it off.
eventStoreContract('PostgresEventStore, group commit off', async () => ({
  store: await open({ poolSize: 10, pollIntervalMs: 100, groupCommitMs: 0 }),
  newClient: () => open({ groupCommitMs: 0 }),
  cleanup: async () => undefined,
}));

describe('PostgresEventStore group commit', () => {
  it('appends issued together share one transaction (one commit), each with its own revisions', async () => {
    const store = await open({ groupCommitMs: 20 });
    const streams = Array.from({ length: 6 }, () => freshStream('onecommit'));
    const results = await Promise.all(streams.map((s) => store.appendToStream(s, newEvents(2), { expectedRevision: 'no_stream' })));
    expect(new Set(results.map((r) => r.position.commit)).size).toBe(1);
    expect(results.map((r) => r.nextExpectedRevision)).toEqual(streams.map(() => 1n));
    expect(new Set(results.map((r) => r.position.prepare)).size).toBe(streams.length);
  });

  it('an append the database rejects (an id that is no UUID) fails alone; its group neighbours are written', async () => {
    const store = await open({ groupCommitMs: 20 });
    const [a, bad, b] = [freshStream('nbr-a'), freshStream('bad'), freshStream('nbr-b')];
    const [ea, eb] = [newEvents(1), newEvents(1)];
    const settled = await Promise.allSettled([
      store.appendToStream(a, ea, { expectedRevision: 'no_stream' }),
      store.appendToStream(bad, [{ ...newEvent(), id: 'not-a-uuid' }], { expectedRevision: 'no_stream' }),
      store.appendToStream(b, eb, { expectedRevision: 'no_stream' }),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: '22P02' });
    expect(ids(await store.readStream(a))).toEqual(ids(ea));
    expect(ids(await store.readStream(b))).toEqual(ids(eb));
    expect(await store.readStream(bad)).toEqual([]);
  });

  it('its connection killed mid-group: every caller of the group gets an error and none of the group is stored', async () => {
    const store = await open({ groupCommitMs: 20 });
    const admin = await raw();
    const holder = await raw();
    const streams = [freshStream('kill-locked'), freshStream('kill-a'), freshStream('kill-b')];
    // Hold the first stream's append lock, so the group statement stops inside its transaction, before writing.
    await holder.query(`SELECT pg_advisory_lock(17747, hashtext($1))`, [streams[0]]);
    const attempts = streams.map((s) => store.appendToStream(s, newEvents(1), { expectedRevision: 'no_stream' }));
    const settled = Promise.allSettled(attempts);
    let pids: number[] = [];
    const deadline = Date.now() + 10_000;
    while (pids.length === 0 && Date.now() < deadline) pids = await waitingGroupPids(admin);
    expect(pids).toHaveLength(1);
    await admin.query(`SELECT pg_terminate_backend($1)`, [pids[0]]);
    const outcomes = await settled;
    await holder.query(`SELECT pg_advisory_unlock(17747, hashtext($1))`, [streams[0]]);
    for (const o of outcomes) {
      expect(o.status).toBe('rejected');
      expect((o as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
    }
    const reader = await open({ groupCommitMs: 0 });
    for (const s of streams) expect(await reader.readStream(s)).toEqual([]);
    // The store goes on: the same appends now succeed.
    const again = await store.appendToStream(streams[1], newEvents(1), { expectedRevision: 'no_stream' });
    expect(again.nextExpectedRevision).toBe(0n);
  });

  it('group connections killed under load: every success is in the log, every other caller got an error', async () => {
    const store = await open({ poolSize: 4, groupCommitMs: 5, groupCommitMax: 16 });
    const admin = await raw();
    const streams = Array.from({ length: 400 }, () => freshStream('killload'));
    const batches = streams.map(() => newEvents(1));
    const attempts = streams.map(async (s, i) => {
      await new Promise((r) => setTimeout(r, i % 40)); // spread over ~40 ms, so many groups
      return store.appendToStream(s, batches[i], { expectedRevision: 'no_stream' });
    });
    let finished = false;
    const settled = Promise.allSettled(attempts).finally(() => (finished = true));
    let killed = 0;
    while (killed === 0 && !finished) {
      const { rowCount } = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()
           AND application_name = 'event-store' AND state = 'active' AND query LIKE '%append_batch%'`,
      );
      killed = rowCount ?? 0;
    }
    const outcomes = await settled;
    expect(killed).toBeGreaterThan(0);
    const reader = await open({ groupCommitMs: 0 });
    let ok = 0;
    for (let i = 0; i < streams.length; i++) {
      const o = outcomes[i];
      const stored = await reader.readStream(streams[i]);
      if (o.status === 'fulfilled') {
        ok++;
        expect(o.value.nextExpectedRevision).toBe(0n);
        expect(ids(stored)).toEqual(ids(batches[i]));
      } else {
        expect(o.reason).toBeInstanceOf(StoreUnavailableError);
      }
    }
    expect(ok).toBeGreaterThan(0);
  }, 60_000);
});
