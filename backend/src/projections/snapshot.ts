import type { DataSource, QueryRunner } from 'typeorm';
import { comparePositions, positionToString, type Position } from '../event-store/position.js';
import { readCheckpoints } from './checkpoints.js';
import { lockTables } from './projection.js';
import { PROJECTION_NAMES } from './projection-registry.js';
import { TPS_STATUS_TABLES } from './tps-status.projection.js';

/** The position every projection has reached: the lowest checkpoint, null while any projection has none. */
export async function lowestPosition(db: DataSource | QueryRunner): Promise<Position | null> {
  const cps = await readCheckpoints(db, [...PROJECTION_NAMES]);
  let low: Position | null = null;
  for (const name of PROJECTION_NAMES) {
    const p = cps.get(name)?.position ?? null;
    if (!p) return null;
    if (!low || comparePositions(p, low) < 0) low = p;
  }
  return low;
}

/**
 * Runs reads in one REPEATABLE READ snapshot whose first query reads the checkpoints: the position handed to `fn` is
 * exactly what the rows it reads reflect (the checkpoint commits with the rows). Before that query (so before the
 * snapshot is taken) it locks the tables it may read, in the rebuild's order (lockTables): a rebuild's switch then
 * either finished before the snapshot (which then sees the new tables and their checkpoint) or waits for this read to
 * end; the snapshot can neither read a swapped-in table with its older view nor deadlock with the switch.
 */
export async function inSnapshot<T>(
  ds: DataSource,
  fn: (tx: QueryRunner, position: string | null) => Promise<T>,
  opts: { idleTimeoutMs?: number } = {},
): Promise<T> {
  const tx = ds.createQueryRunner();
  await tx.connect();
  try {
    await tx.startTransaction('REPEATABLE READ');
    // A long read (a report streaming to a slow client, an XLSX writing one sheet before reading the next) may pause
    // between its queries for longer than the session's idle-in-transaction bound (data-source.ts, 15 s): it says
    // how long it may. Read-only, it holds no xid, so it hides no event from the log's readers meanwhile.
    if (opts.idleTimeoutMs !== undefined)
      await tx.query(`SET LOCAL idle_in_transaction_session_timeout = ${Math.trunc(opts.idleTimeoutMs)}`);
    await lockTables(tx, TPS_STATUS_TABLES, 'ACCESS SHARE');
    const low = await lowestPosition(tx);
    const out = await fn(tx, low ? positionToString(low) : null);
    await tx.commitTransaction();
    return out;
  } catch (e) {
    if (tx.isTransactionActive) await tx.rollbackTransaction().catch(() => undefined);
    throw e;
  } finally {
    await tx.release();
  }
}
