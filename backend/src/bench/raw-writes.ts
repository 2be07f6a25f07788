/**
 * Figures 1 and 2: durable single-row INSERT transactions per second into a scratch table (the ceiling), then events
 * appended per second through the event-store port, both with the same number of concurrent connections and events
 * of the same size.
 */
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { openDataSource } from '../database/data-source.js';
import { PostgresEventStore } from '../event-store/postgres/postgres.event-store.js';
import { createRng } from '../simulator/prng.js';
import { tallyEvent } from './events.js';
import { forDuration } from './stats.js';

export async function baselineInsert(url: string, connections: number, ms: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: connections, options: '-c synchronous_commit=on' });
  try {
    await pool.query(
      `CREATE TABLE bench_scratch (id bigserial PRIMARY KEY, stream text NOT NULL, data jsonb NOT NULL, at timestamptz DEFAULT now())`,
    );
    const payload = JSON.stringify(tallyEvent(createRng(1), '9900000000001', new Date().toISOString()));
    // Warm the pool, so connection set-up is not counted.
    await Promise.all(Array.from({ length: connections }, () => pool.query('SELECT 1')));
    const { ops, ms: took } = await forDuration(connections, ms, async (loop, i) => {
      await pool.query(`INSERT INTO bench_scratch (stream, data) VALUES ($1, $2)`, [`s-${loop}-${i}`, payload]);
    });
    return (ops / took) * 1000;
  } finally {
    await pool.end();
  }
}

export async function appendThroughPort(url: string, connections: number, ms: number): Promise<number> {
  const ds = await openDataSource(url, 2); // runs the migrations: the event store's schema
  await ds.destroy();
  const store = await PostgresEventStore.connect({ connectionString: url, poolSize: connections });
  try {
    const rng = createRng(2);
    const events = Array.from({ length: 64 }, (_, i) =>
      tallyEvent(rng, `99000000000${String(i).padStart(2, '0')}`, new Date().toISOString()),
    );
    await Promise.all(Array.from({ length: connections }, () => store.ping()));
    // One event per append to a fresh stream, as a first tally is: the store's claim, insert and commit per event.
    const { ops, ms: took } = await forDuration(connections, ms, async (loop, i) => {
      const e = events[(loop + i) % events.length];
      await store.appendToStream(`tps-bench-${loop}-${i}`, [{ ...e, id: randomUUID() }], { expectedRevision: 'no_stream' });
    });
    return (ops / took) * 1000;
  } finally {
    await store.close();
  }
}
