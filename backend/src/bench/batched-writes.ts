/**
 * The bulk-load baselines beside the single-row one: durable rows per second into a scratch table of the same shape,
 * written as 100-row INSERT statements and as COPY of the same 100 rows (pg-copy-streams), each its own transaction,
 * with the same number of connections. The rebuild is compared with these (rebuildVsBatchedInsert).
 */
import pg from 'pg';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import { createRng } from '../simulator/prng.js';
import { tallyEvent } from './events.js';
import { forDuration } from './stats.js';

export const ROWS_PER_BATCH = 100;

export interface BatchedBaseline {
  insert100RowsPerSec: number;
  copyRowsPerSec: number;
}

/** COPY text format: backslash, tab and newline escaped. */
const copyField = (v: string) => v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');

export async function batchedInsert(url: string, connections: number, ms: number): Promise<BatchedBaseline> {
  const pool = new pg.Pool({ connectionString: url, max: connections, options: '-c synchronous_commit=on' });
  try {
    await pool.query(
      `CREATE TABLE bench_batch (id bigserial PRIMARY KEY, stream text NOT NULL, data jsonb NOT NULL, at timestamptz DEFAULT now())`,
    );
    const payload = JSON.stringify(tallyEvent(createRng(1), '9900000000001', new Date().toISOString()));
    const values = Array.from({ length: ROWS_PER_BATCH }, (_, r) => `($${2 * r + 1}, $${2 * r + 2})`).join(', ');
    const insertSql = `INSERT INTO bench_batch (stream, data) VALUES ${values}`;
    await Promise.all(Array.from({ length: connections }, () => pool.query('SELECT 1')));

    const inserted = await forDuration(connections, ms, async (loop, i) => {
      const params: string[] = [];
      for (let r = 0; r < ROWS_PER_BATCH; r++) params.push(`s-${loop}-${i}-${r}`, payload);
      await pool.query(insertSql, params);
    });
    const copied = await forDuration(connections, ms, async (loop, i) => {
      const lines = Array.from({ length: ROWS_PER_BATCH }, (_, r) => `c-${loop}-${i}-${r}\t${copyField(payload)}\n`).join('');
      const client = await pool.connect();
      try {
        await pipeline(Readable.from([lines]), client.query(copyFrom('COPY bench_batch (stream, data) FROM STDIN')));
      } finally {
        client.release();
      }
    });
    return {
      insert100RowsPerSec: Math.round(((inserted.ops * ROWS_PER_BATCH) / inserted.ms) * 1000),
      copyRowsPerSec: Math.round(((copied.ops * ROWS_PER_BATCH) / copied.ms) * 1000),
    };
  } finally {
    await pool.end();
  }
}
