/**
 * A long read (a report to a slow client, an XLSX writing one sheet before the next sheet's reads) pauses inside its
 * snapshot longer than the session's idle-in-transaction bound: with the report's allowance it survives, without it the
 * server ends the session (the national XLSX export failed so, mid-file). The bound is shortened to 1 s here.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-db.js';
import { openDataSource } from '../database/data-source.js';
import { inSnapshot } from './snapshot.js';

let db: TestDatabase;
let ds: DataSource;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  db = await createTestDatabase('snapidle');
  const url = new URL(db.url);
  url.searchParams.set('options', '-c idle_in_transaction_session_timeout=1000');
  ds = await openDataSource(url.toString(), 2);
});
afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

it('a read that pauses past the session bound survives with the allowance it asked for', async () => {
  const n = await inSnapshot(
    ds,
    async (tx) => {
      await tx.query('SELECT 1');
      await pause(1_800);
      const [r] = (await tx.query('SELECT 2 AS n')) as { n: number }[];
      return r.n;
    },
    { idleTimeoutMs: 10_000 },
  );
  expect(n).toBe(2);
});

it('without it the server ends the idle snapshot (what the allowance prevents)', async () => {
  await expect(
    inSnapshot(ds, async (tx) => {
      await tx.query('SELECT 1');
      await pause(1_800);
      await tx.query('SELECT 2');
    }),
  ).rejects.toThrow();
});
