/**
 * SQL of the persisted as-of replay (migration 1700000000130): the builder's state row, chunks of per-event deltas,
 * snapshots of the totals, and the TPS docs the fold continues from. Every read names AS_OF_FORMAT, so rows written by
 * another encoding are never used; `reset` empties the tables when the format or the interval changes.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { TpsDoc } from '../../projections/tps-doc.js';
import type { KelurahanTotals } from '../../projections/kelurahan-tally.js';
import { AS_OF_FORMAT, decode, decodeKelurahan, encode, encodeKelurahan, type ChunkBody } from './snapshot-format.js';

type Db = DataSource | EntityManager;

export interface BuilderState {
  format: number;
  snapshotEvery: number;
  chunkSize: number;
  n: number;
  position: string | null;
  photoTps: number;
  maxAt: number;
}

export interface StoredChunk {
  firstN: number;
  body: ChunkBody;
}

export interface StoredSnapshot {
  n: number;
  city: KelurahanTotals;
  kelurahan: Map<string, KelurahanTotals> | null;
}

/** What one catch-up batch writes, in one transaction. */
export interface BatchWrite {
  docs: TpsDoc[];
  chunks: StoredChunk[];
  snapshots: { n: number; city: KelurahanTotals; kelurahan: Buffer }[];
  state: BuilderState;
}

export class StaleStateError extends Error {}

export async function readState(db: Db): Promise<BuilderState | null> {
  const [r] = await db.query<Array<Record<string, string | number | null>>>(
    `SELECT format, snapshot_every, chunk_size, n, position, photo_tps, max_at FROM as_of_state WHERE id = 1`,
  );
  return r
    ? {
        format: Number(r.format),
        snapshotEvery: Number(r.snapshot_every),
        chunkSize: Number(r.chunk_size),
        n: Number(r.n),
        position: (r.position as string | null) ?? null,
        photoTps: Number(r.photo_tps),
        maxAt: Number(r.max_at),
      }
    : null;
}

/** Empties the replay and records a fresh state (another format or interval: nothing written before applies). */
export async function reset(ds: DataSource, snapshotEvery: number, chunkSize: number): Promise<BuilderState> {
  const state: BuilderState = { format: AS_OF_FORMAT, snapshotEvery, chunkSize, n: 0, position: null, photoTps: 0, maxAt: -Infinity };
  await ds.transaction(async (m) => {
    await m.query(`LOCK TABLE as_of_state IN EXCLUSIVE MODE`);
    await m.query(`TRUNCATE as_of_chunk, as_of_snapshot, as_of_tps_doc`);
    await m.query(`DELETE FROM as_of_state`);
    await writeState(m, state);
  });
  return state;
}

async function writeState(m: EntityManager, s: BuilderState): Promise<void> {
  await m.query(
    `INSERT INTO as_of_state (id, format, snapshot_every, chunk_size, n, position, photo_tps, max_at, updated_at)
     VALUES (1, $1, $2, $3, $4, $5, $6, $7, now())
     ON CONFLICT (id) DO UPDATE SET format = excluded.format, snapshot_every = excluded.snapshot_every,
       chunk_size = excluded.chunk_size, n = excluded.n, position = excluded.position, photo_tps = excluded.photo_tps,
       max_at = excluded.max_at, updated_at = now()`,
    [s.format, s.snapshotEvery, s.chunkSize, s.n, s.position, s.photoTps, Number.isFinite(s.maxAt) ? s.maxAt : -1e300],
  );
}

/** Writes a batch if the stored state is still the one it started from (else StaleStateError: another writer moved). */
export async function writeBatch(ds: DataSource, fromN: number, w: BatchWrite): Promise<void> {
  await ds.transaction(async (m) => {
    const [cur] = await m.query<Array<{ format: number; n: string }>>(`SELECT format, n FROM as_of_state WHERE id = 1 FOR UPDATE`);
    if (!cur || Number(cur.format) !== AS_OF_FORMAT || Number(cur.n) !== fromN) throw new StaleStateError('as-of state moved');
    if (w.docs.length)
      await m.query(
        `INSERT INTO as_of_tps_doc (tps_id, doc) SELECT * FROM unnest($1::text[], $2::text[])
         ON CONFLICT (tps_id) DO UPDATE SET doc = excluded.doc`,
        [w.docs.map((d) => d.id), w.docs.map((d) => JSON.stringify(d))],
      );
    for (const c of w.chunks)
      await m.query(
        `INSERT INTO as_of_chunk (format, first_n, count, max_at_end, body) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (format, first_n) DO UPDATE SET count = excluded.count, max_at_end = excluded.max_at_end, body = excluded.body`,
        [AS_OF_FORMAT, c.firstN, c.body.at.length, c.body.max[c.body.max.length - 1], encode(c.body)],
      );
    for (const s of w.snapshots)
      await m.query(`INSERT INTO as_of_snapshot (format, n, city, kelurahan) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
        AS_OF_FORMAT,
        s.n,
        JSON.stringify(s.city),
        s.kelurahan,
      ]);
    await writeState(m, w.state);
  });
}

export async function loadDocs(db: Db, ids: string[]): Promise<Map<string, TpsDoc>> {
  if (!ids.length) return new Map();
  const rows = await db.query<Array<{ tps_id: string; doc: string }>>(`SELECT tps_id, doc FROM as_of_tps_doc WHERE tps_id = ANY($1)`, [
    ids,
  ]);
  return new Map(rows.map((r) => [r.tps_id, JSON.parse(r.doc) as TpsDoc]));
}

/** The newest snapshot at or before `n` (null: none, start from the empty log). */
export async function snapshotAtOrBefore(db: Db, n: number, withKelurahan: boolean): Promise<StoredSnapshot | null> {
  const [r] = await db.query<Array<{ n: string; city: KelurahanTotals; kelurahan?: Buffer }>>(
    `SELECT n, city${withKelurahan ? ', kelurahan' : ''} FROM as_of_snapshot WHERE format = $1 AND n <= $2 ORDER BY n DESC LIMIT 1`,
    [AS_OF_FORMAT, n],
  );
  return r ? { n: Number(r.n), city: r.city, kelurahan: r.kelurahan ? decodeKelurahan(r.kelurahan) : null } : null;
}

/** The chunks holding events [from, to), in order. */
export async function chunksBetween(db: Db, from: number, to: number, chunkSize: number): Promise<StoredChunk[]> {
  if (to <= from) return [];
  const rows = await db.query<Array<{ first_n: string; body: Buffer }>>(
    `SELECT first_n, body FROM as_of_chunk WHERE format = $1 AND first_n >= $2 AND first_n < $3 ORDER BY first_n`,
    [AS_OF_FORMAT, Math.floor(from / chunkSize) * chunkSize, to],
  );
  return rows.map((r) => ({ firstN: Number(r.first_n), body: decode<ChunkBody>(r.body) }));
}

/** The first chunk holding an event recorded after `ms` (null: every event stored was recorded by then). */
export async function firstChunkAfter(db: Db, ms: number): Promise<StoredChunk | null> {
  const [r] = await db.query<Array<{ first_n: string; body: Buffer }>>(
    `SELECT first_n, body FROM as_of_chunk WHERE format = $1 AND max_at_end > $2 ORDER BY max_at_end, first_n LIMIT 1`,
    [AS_OF_FORMAT, ms],
  );
  return r ? { firstN: Number(r.first_n), body: decode<ChunkBody>(r.body) } : null;
}

export { encodeKelurahan };
