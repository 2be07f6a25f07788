/** The `proj_checkpoint` table: one row per projection (and per running rebuild), moved only forwards. */
import type { DataSource, QueryRunner } from 'typeorm';
import { position, type Position } from '../event-store/position.js';
import { posParams, rows } from './projection.js';

export interface Checkpoint {
  name: string;
  position: Position | null;
  eventsApplied: number;
  lastEventAt: Date | null;
  updatedAt: Date;
}

interface CheckpointRow {
  name: string;
  commit_pos: string | null;
  prepare_pos: string | null;
  events_applied: string;
  last_event_at: Date | null;
  updated_at: Date;
}

function toCheckpoint(r: CheckpointRow): Checkpoint {
  return {
    name: r.name,
    position: r.commit_pos === null || r.prepare_pos === null ? null : position(BigInt(r.commit_pos), BigInt(r.prepare_pos)),
    eventsApplied: Number(r.events_applied),
    lastEventAt: r.last_event_at,
    updatedAt: r.updated_at,
  };
}

export async function readCheckpoints(db: DataSource | QueryRunner, names: string[]): Promise<Map<string, Checkpoint>> {
  const found: CheckpointRow[] = await db.query(`SELECT * FROM proj_checkpoint WHERE name = ANY($1)`, [names]);
  return new Map(found.map((r) => [r.name, toCheckpoint(r)]));
}

export async function readCheckpoint(db: DataSource | QueryRunner, name: string): Promise<Checkpoint | null> {
  return (await readCheckpoints(db, [name])).get(name) ?? null;
}

/**
 * Locks the checkpoint row for the rest of the transaction and returns it. Whoever holds the lock is the only writer
 * of the projection's tables: a second instance, or a rebuild switching tables, waits here and then sees the new value.
 */
export async function lockCheckpoint(tx: QueryRunner, name: string): Promise<Position | null> {
  // The row exists after a projection's first batch, so one round trip locks it; only the first batch inserts it.
  const lock = () => rows<CheckpointRow>(tx, `SELECT * FROM proj_checkpoint WHERE name = $1 FOR UPDATE`, [name]);
  let [row] = await lock();
  if (!row) {
    await tx.query(`INSERT INTO proj_checkpoint (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [name]);
    [row] = await lock();
  }
  return toCheckpoint(row).position;
}

/** Moves the checkpoint to `to`; refuses to move it backwards (that would count events twice). */
export async function advanceCheckpoint(tx: QueryRunner, name: string, to: Position, lastEventAt: Date, applied: number): Promise<void> {
  const [c, p] = posParams(to);
  const updated = await rows<{ name: string }>(
    tx,
    `UPDATE proj_checkpoint SET commit_pos = $2, prepare_pos = $3, events_applied = events_applied + $4,
       last_event_at = $5, updated_at = now()
     WHERE name = $1 AND (commit_pos IS NULL OR (commit_pos, prepare_pos) < ($2::numeric, $3::numeric))
     RETURNING name`,
    [name, c, p, applied, lastEventAt],
  );
  if (updated.length !== 1) throw new Error(`checkpoint ${name} would not move forward to ${c}/${p}`);
}

/** Sets a checkpoint outright (a rebuild handing its position over to the live name). */
export async function setCheckpoint(tx: QueryRunner, name: string, from: Checkpoint): Promise<void> {
  const params = from.position ? posParams(from.position) : [null, null];
  await tx.query(
    `INSERT INTO proj_checkpoint (name, commit_pos, prepare_pos, events_applied, last_event_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (name) DO UPDATE SET commit_pos = EXCLUDED.commit_pos, prepare_pos = EXCLUDED.prepare_pos,
       events_applied = EXCLUDED.events_applied, last_event_at = EXCLUDED.last_event_at, updated_at = now()`,
    [name, ...params, from.eventsApplied, from.lastEventAt],
  );
}

export async function deleteCheckpoint(db: DataSource | QueryRunner, name: string): Promise<void> {
  await db.query(`DELETE FROM proj_checkpoint WHERE name = $1`, [name]);
}
