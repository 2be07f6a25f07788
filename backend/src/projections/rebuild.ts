/**
 * Rebuild from position zero while the old tables keep serving: 1. copy the projections' tables' shape into the schema
 * `proj_rebuild`, without their secondary indexes; 2. read the log once, in large pages, and fold each page into every projection's copies:
 * in memory across pages and written by COPY where the projection has a bulk path (`Projection.bulk`), else with its
 * `apply`, in short transactions either way (REBUILD_FOLD events or rows each), then build the secondary indexes; 3. per projection, in one transaction: lock the live checkpoint (the live runner waits), fold what
 * arrived meanwhile, move the copies into `public` in place of the old tables, and hand the copies' checkpoint to the
 * live name. Readers block only for that last transaction.
 */
import type { DataSource, QueryRunner } from 'typeorm';
import type { EventStore, RecordedEvent } from '../event-store/event-store.port.js';
import { comparePositions } from '../event-store/position.js';
import { DomainError } from '../http/domain-error.js';
import { deleteCheckpoint, lockCheckpoint, readCheckpoint, setCheckpoint } from './checkpoints.js';
import { ProjectionRunner } from './projection-runner.js';
import { handledBy, lockTables, table, type Projection } from './projection.js';

const SHADOW = 'proj_rebuild';
const RETIRED = 'proj_retired';
/**
 * Events per page of the shared read and per fold transaction. Large pages are what makes a rebuild fast: each page
 * costs one read and one transaction for all projections, and a TPS touched several times in a page is loaded and
 * written once. 10,000 tally-sized events are about 15 MB of JSON in memory at a time.
 */
export const REBUILD_PAGE = 10_000;
/**
 * Events per fold transaction. A fold writes, so it holds an xid for as long as it runs, and the PostgreSQL store
 * shows no event committed meanwhile to anyone (the xmin rule: docs/event-store.md): the live wall lags by one fold.
 * Measured on the 2-core dev machine (10,000 tally-sized events, all four projections): one 10,000-event fold took
 * 2.5 s; folds of 2,000 took at most 0.6 s each and 2.3 s in all; of 1,000, 0.45 s and 2.8 s (docs/projections.md).
 */
export const REBUILD_FOLD = 2_000;
/**
 * TPS docs the tps-status bulk fold holds in memory before it writes them out: REBUILD_MEMORY_LIMIT in the app's
 * config. Measured: about 1.75 KB of heap per TPS with a check-in and a tally (100,000: 174 MB; 20,000: 35 MB).
 */
export const REBUILD_MEMORY_LIMIT = 100_000;
const PAGES_IN_FLIGHT = 2;
/** Connections one bulk flush writes over (the development machine has two cores). */
const BULK_WRITERS = 2;

export interface RebuildOptions {
  /** Events per read of the log (default REBUILD_PAGE). */
  pageSize?: number;
  /** Events per fold transaction, and rows per write of a bulk fold (default REBUILD_FOLD, at most the page size). */
  foldSize?: number;
  /** What a bulk fold holds in memory before writing (default REBUILD_MEMORY_LIMIT). */
  memoryLimit?: number;
  /**
   * Called after each fold transaction committed, with the number of events it applied. A bulk fold's writes report
   * the rows each wrote, and the last write of each flush the events folded since the one before.
   */
  onFold?: (projection: string, applied: number, rowsWritten?: number) => void;
}

export interface RebuildResult {
  name: string;
  position: string | null;
  eventsApplied: number;
  ms: number;
  /** Time spent in this projection's folds during the shared read (the rest of `ms` is shared). */
  foldMs: number;
}

export async function rebuildProjection(ds: DataSource, store: EventStore, projection: Projection, opts: RebuildOptions | number = {}) {
  const [result] = await rebuildProjections(ds, store, [projection], opts);
  return result;
}

/** Rebuilds several projections over one read of the log; each is switched over on its own when the read is done. */
export async function rebuildProjections(
  ds: DataSource,
  store: EventStore,
  projections: Projection[],
  options: RebuildOptions | number = {},
): Promise<RebuildResult[]> {
  const opts = typeof options === 'number' ? { pageSize: options } : options;
  const pageSize = opts.pageSize ?? REBUILD_PAGE;
  const foldSize = Math.min(pageSize, opts.foldSize ?? REBUILD_FOLD);
  const started = Date.now();
  // Session locks on a connection of its own: one rebuild per projection at a time, released even if we crash.
  const lock = ds.createQueryRunner();
  await lock.connect();
  const held: string[] = [];
  try {
    for (const p of projections) {
      const key = `projection-rebuild:${p.name}`;
      const [{ ok }] = await lock.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS ok`, [key]);
      if (!ok) throw new DomainError('PROJECTION.REBUILD_RUNNING', 409, `a rebuild of ${p.name} is already running`);
      held.push(key);
    }
    // 1. Empty copies.
    await ds.query(`CREATE SCHEMA IF NOT EXISTS ${SHADOW}`);
    await ds.query(`CREATE SCHEMA IF NOT EXISTS ${RETIRED}`);
    const shadows = projections.map((p) => new ProjectionRunner(ds, store, p, { checkpointName: `${p.name}@rebuild`, schema: SHADOW }));
    // The copies' secondary indexes come after the load: the folds look rows up by primary key only, and every
    // index left out is one index entry less per row version written (rm_tps' last_commit index alone makes every
    // update of a TPS row a non-HOT one that touches all its indexes).
    const deferredIndexes: string[][] = shadows.map(() => []);
    for (const [i, s] of shadows.entries()) {
      for (const t of s.projection.tables) {
        await ds.query(`DROP TABLE IF EXISTS ${table(SHADOW, t)}`);
        await ds.query(`CREATE TABLE ${table(SHADOW, t)} (LIKE ${table('public', t)} INCLUDING ALL)`);
        for (const { name, def } of await secondaryIndexes(ds, SHADOW, t)) {
          await ds.query(`DROP INDEX ${SHADOW}.${quoteIdent(name)}`);
          deferredIndexes[i].push(def);
        }
      }
      await deleteCheckpoint(ds, s.checkpointName);
    }

    // 2. The whole log into the copies, read once. Each projection folds the pages in order on its own connection, so
    // the projections (and the read of the next page) run side by side; at most PAGES_IN_FLIGHT pages are held. A
    // projection with a bulk path folds into memory and writes only when full and at the end (write); the others
    // fold each page with `apply` in short transactions.
    const memoryLimit = opts.memoryLimit ?? REBUILD_MEMORY_LIMIT;
    const bulks = shadows.map((s) => s.projection.bulk?.({ db: ds, schema: SHADOW, memoryLimit, writeRows: foldSize }) ?? null);
    const sinceFlush = shadows.map(() => 0);
    const foldMs = shadows.map(() => 0);
    const chains = shadows.map(() => Promise.resolve());
    const inFlight: Promise<unknown>[] = [];
    let folded = 0;
    let lastEvent: RecordedEvent | null = null;
    const write = async (i: number, final: boolean) => {
      const bulk = bulks[i];
      const writes = bulk?.flush(final) ?? [];
      const applied = sinceFlush[i];
      sinceFlush[i] = 0;
      const name = shadows[i].projection.name;
      // A flush's writes touch distinct rows, so BULK_WRITERS connections share them, each write its own transaction.
      let taken = 0;
      let failed = false;
      const workers = Array.from({ length: Math.min(BULK_WRITERS, writes.length) }, async () => {
        // Once one write failed the rebuild fails: the other writer stops too instead of filling copies no one will use.
        while (taken < writes.length && !failed) {
          const w = writes[taken++];
          try {
            await inTransaction(ds, (tx) => w.run(tx));
          } catch (e) {
            failed = true;
            throw e;
          }
          opts.onFold?.(name, 0, w.rows);
        }
      });
      const rejected = (await Promise.allSettled(workers)).find((r) => r.status === 'rejected');
      if (rejected) throw rejected.reason;
      if (!final) {
        if (bulk) opts.onFold?.(name, applied, 0);
        return;
      }
      // At the end of the log, once every write is in: the projection's last check and the copies' checkpoint, in one
      // transaction. A bulk fold's checkpoint is set only here (a crash before it leaves copies that the next rebuild
      // drops and starts over, step 1); the per-fold path's folds move it as they go but skip the pages without its
      // events, so here it is moved to the end of the log and given the count of every event read.
      await inTransaction(ds, async (tx) => {
        await bulk?.finish?.(tx);
        if (!lastEvent) return;
        const cp = shadows[i].checkpointName;
        await lockCheckpoint(tx, cp);
        await setCheckpoint(tx, cp, {
          name: cp,
          position: lastEvent.position,
          eventsApplied: folded,
          lastEventAt: lastEvent.recordedAt,
          updatedAt: new Date(),
        });
      });
      if (bulk) opts.onFold?.(name, applied, 0);
    };
    try {
      let next = store.readAll({ after: 'start', maxCount: pageSize });
      for (;;) {
        const events = await next;
        if (events.length === 0) break;
        folded += events.length;
        lastEvent = events[events.length - 1];
        next = store.readAll({ after: lastEvent.position, maxCount: pageSize });
        // Awaited on the next turn; if a fold fails first, this read's rejection must not go unhandled.
        next.catch(() => undefined);
        shadows.forEach((s, i) => {
          chains[i] = chains[i].then(async () => {
            const t0 = performance.now();
            const bulk = bulks[i];
            if (bulk) {
              const mine = handledBy(s.projection, events);
              if (mine.length > 0) await bulk.fold(mine);
              sinceFlush[i] += events.length;
              if (bulk.full) await write(i, false);
            } else {
              // One read, several short transactions: each fold hides newer live events only while it runs. A fold
              // with none of the projection's events needs no transaction (the checkpoint is set at the end).
              for (let at = 0; at < events.length; at += foldSize) {
                const fold = events.slice(at, at + foldSize);
                const applied = handledBy(s.projection, fold).length > 0 ? ((await s.applyBatch(fold))?.applied ?? 0) : fold.length;
                opts.onFold?.(s.projection.name, applied);
              }
            }
            foldMs[i] += performance.now() - t0;
          });
        });
        const page = Promise.all(chains);
        page.catch(() => undefined);
        inFlight.push(page);
        if (inFlight.length >= PAGES_IN_FLIGHT) await inFlight.shift();
      }
      shadows.forEach((_s, i) => {
        chains[i] = chains[i].then(async () => {
          const t0 = performance.now();
          await write(i, true);
          foldMs[i] += performance.now() - t0;
        });
      });
    } finally {
      // Nothing may still write into the copies once this function has left (or unlocked).
      await Promise.allSettled(chains);
    }
    await Promise.all(chains);
    // The secondary indexes, each built once over the loaded copy (before the switch: readers need them at once).
    for (const defs of deferredIndexes) for (const def of defs) await ds.query(def);

    // 3. Switch over, one projection at a time (each waits for its own live runner only).
    const results: RebuildResult[] = [];
    for (const [i, s] of shadows.entries()) {
      const r = await switchOver(ds, store, s, pageSize);
      results.push({ ...r, ms: Date.now() - started, foldMs: Math.round(foldMs[i]) });
    }
    return results;
  } finally {
    for (const key of held) await lock.query(`SELECT pg_advisory_unlock(hashtext($1))`, [key]);
    await lock.release();
  }
}

async function switchOver(ds: DataSource, store: EventStore, shadow: ProjectionRunner, pageSize: number) {
  const { projection, checkpointName: shadowName } = shadow;
  return inTransaction(ds, async (tx) => {
    const live = await lockCheckpoint(tx, projection.name);
    for (;;) {
      const cp = await lockCheckpoint(tx, shadowName);
      const events: RecordedEvent[] = await store.readAll({ after: cp ?? 'start', maxCount: pageSize });
      if (events.length === 0) break;
      await shadow.applyInTransaction(tx, events);
    }
    const rebuilt = await readCheckpoint(tx, shadowName);
    if (!rebuilt) throw new Error(`rebuild of ${projection.name} lost its checkpoint`);
    if (live && (!rebuilt.position || comparePositions(rebuilt.position, live) < 0)) {
      throw new Error(`rebuild of ${projection.name} ended behind the live checkpoint; nothing switched`);
    }
    // All the live tables at once, in the readers' order (lockTables): taken one by one, the switch could deadlock
    // with a read snapshot holding a later one.
    await lockTables(tx, projection.tables, 'ACCESS EXCLUSIVE');
    for (const t of projection.tables) {
      await tx.query(`DROP TABLE IF EXISTS ${table(RETIRED, t)}`);
      await tx.query(`ALTER TABLE ${table('public', t)} SET SCHEMA ${RETIRED}`);
      await tx.query(`ALTER TABLE ${table(SHADOW, t)} SET SCHEMA public`);
      await tx.query(`DROP TABLE ${table(RETIRED, t)}`);
    }
    await setCheckpoint(tx, projection.name, rebuilt);
    await deleteCheckpoint(tx, shadowName);
    const pos = rebuilt.position;
    return { name: projection.name, position: pos ? `${pos.commit}/${pos.prepare}` : null, eventsApplied: rebuilt.eventsApplied };
  });
}

/**
 * A table's indexes that back no constraint and enforce nothing (not unique, not a primary key, no exclusion
 * constraint): what a fold never needs and a reader does. `def` is PostgreSQL's own `CREATE INDEX` text for it.
 */
export async function secondaryIndexes(ds: DataSource, schema: string, name: string): Promise<{ name: string; def: string }[]> {
  return ds.query(
    `SELECT ic.relname AS name, pg_get_indexdef(ic.oid) AS def
       FROM pg_index x
       JOIN pg_class ic ON ic.oid = x.indexrelid
       JOIN pg_class tc ON tc.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = tc.relnamespace
      WHERE n.nspname = $1 AND tc.relname = $2 AND NOT x.indisunique AND NOT x.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = ic.oid)
      ORDER BY ic.relname`,
    [schema, name],
  );
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function inTransaction<T>(ds: DataSource, work: (tx: QueryRunner) => Promise<T>): Promise<T> {
  const tx = ds.createQueryRunner();
  await tx.connect();
  try {
    await tx.startTransaction(); // READ COMMITTED: the session default (data-source.ts)
    const result = await work(tx);
    await tx.commitTransaction();
    return result;
  } catch (e) {
    if (tx.isTransactionActive) await tx.rollbackTransaction().catch(() => undefined);
    throw e;
  } finally {
    await tx.release();
  }
}
