/**
 * Rebuild from position zero while the old tables keep serving: 1. copy the projection's tables' shape into the schema
 * `proj_rebuild`; 2. fold the whole log into the copies under their own checkpoint; 3. in one transaction: lock the live
 * checkpoint (the live runner waits), fold what arrived meanwhile, move the copies into `public` in place of the old
 * tables, and hand the copies' checkpoint to the live name. Readers block only for that last transaction.
 */
import type { DataSource } from 'typeorm';
import type { EventStore } from '../event-store/event-store.port.js';
import { comparePositions } from '../event-store/position.js';
import { DomainError } from '../http/domain-error.js';
import { deleteCheckpoint, lockCheckpoint, readCheckpoint, setCheckpoint } from './checkpoints.js';
import { ProjectionRunner } from './projection-runner.js';
import { table, type Projection } from './projection.js';

const SHADOW = 'proj_rebuild';
const RETIRED = 'proj_retired';

export interface RebuildResult {
  name: string;
  position: string | null;
  eventsApplied: number;
  ms: number;
}

export async function rebuildProjection(
  ds: DataSource,
  store: EventStore,
  projection: Projection,
  batchSize = 1000,
): Promise<RebuildResult> {
  const started = Date.now();
  const shadowName = `${projection.name}@rebuild`;
  // A session lock on a connection of its own: one rebuild per projection at a time, released even if we crash.
  const lock = ds.createQueryRunner();
  await lock.connect();
  try {
    const [{ ok }] = await lock.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS ok`, [`projection-rebuild:${projection.name}`]);
    if (!ok) throw new DomainError('PROJECTION.REBUILD_RUNNING', 409, `a rebuild of ${projection.name} is already running`);
    try {
      // 1. Empty copies.
      await ds.query(`CREATE SCHEMA IF NOT EXISTS ${SHADOW}`);
      await ds.query(`CREATE SCHEMA IF NOT EXISTS ${RETIRED}`);
      for (const t of projection.tables) {
        await ds.query(`DROP TABLE IF EXISTS ${table(SHADOW, t)}`);
        await ds.query(`CREATE TABLE ${table(SHADOW, t)} (LIKE ${table('public', t)} INCLUDING ALL)`);
      }
      await deleteCheckpoint(ds, shadowName);

      // 2. The whole log into the copies.
      const shadow = new ProjectionRunner(ds, store, projection, { checkpointName: shadowName, schema: SHADOW, batchSize });
      await shadow.catchUp();

      // 3. Switch over.
      const tx = ds.createQueryRunner();
      await tx.connect();
      try {
        await tx.startTransaction('READ COMMITTED');
        const live = await lockCheckpoint(tx, projection.name);
        for (;;) {
          const cp = await lockCheckpoint(tx, shadowName);
          const events = await store.readAll({ after: cp ?? 'start', maxCount: batchSize });
          if (events.length === 0) break;
          await shadow.applyInTransaction(tx, events);
        }
        const rebuilt = await readCheckpoint(tx, shadowName);
        if (!rebuilt) throw new Error(`rebuild of ${projection.name} lost its checkpoint`);
        if (live && (!rebuilt.position || comparePositions(rebuilt.position, live) < 0)) {
          throw new Error(`rebuild of ${projection.name} ended behind the live checkpoint; nothing switched`);
        }
        for (const t of projection.tables) {
          await tx.query(`DROP TABLE IF EXISTS ${table(RETIRED, t)}`);
          await tx.query(`ALTER TABLE ${table('public', t)} SET SCHEMA ${RETIRED}`);
          await tx.query(`ALTER TABLE ${table(SHADOW, t)} SET SCHEMA public`);
          await tx.query(`DROP TABLE ${table(RETIRED, t)}`);
        }
        await setCheckpoint(tx, projection.name, rebuilt);
        await deleteCheckpoint(tx, shadowName);
        await tx.commitTransaction();
        const pos = rebuilt.position;
        return {
          name: projection.name,
          position: pos ? `${pos.commit}/${pos.prepare}` : null,
          eventsApplied: rebuilt.eventsApplied,
          ms: Date.now() - started,
        };
      } catch (e) {
        if (tx.isTransactionActive) await tx.rollbackTransaction().catch(() => undefined);
        throw e;
      } finally {
        await tx.release();
      }
    } finally {
      await lock.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`projection-rebuild:${projection.name}`]);
    }
  } finally {
    await lock.release();
  }
}
