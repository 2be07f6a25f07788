/** SQL of the `audit_checkpoint` table: store a signed checkpoint, page through them newest first. */
import type { DataSource, EntityManager } from 'typeorm';
import { positionFromString } from '../../event-store/position.js';
import type { SignedCheckpoint } from './checkpoint.js';

export type CheckpointTrigger = 'interval' | 'on-demand';

export interface StoredCheckpoint extends SignedCheckpoint {
  id: number;
  trigger: CheckpointTrigger;
  /** Who asked for an on-demand checkpoint (not signed). */
  requestedBy: string | null;
}

export interface CheckpointsPage {
  checkpoints: StoredCheckpoint[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: number | null;
}

interface Row {
  id: string;
  commit_pos: string;
  prepare_pos: string;
  log_head: string;
  events_count: string;
  at: string;
  key_id: string;
  signature: string;
  trigger: CheckpointTrigger;
  requested_by: string | null;
}

const COLUMNS = `id::text, commit_pos::text, prepare_pos::text, log_head, events_count::text, at, key_id, signature, trigger, requested_by`;

const toCheckpoint = (r: Row): StoredCheckpoint => ({
  id: Number(r.id),
  position: `${r.commit_pos}/${r.prepare_pos}`,
  logHead: r.log_head,
  eventsCount: Number(r.events_count),
  at: r.at,
  keyId: r.key_id,
  signature: r.signature,
  trigger: r.trigger,
  requestedBy: r.requested_by,
});

export async function insertCheckpoint(
  m: EntityManager,
  cp: SignedCheckpoint,
  trigger: CheckpointTrigger,
  requestedBy: string | null,
): Promise<StoredCheckpoint> {
  const p = positionFromString(cp.position);
  const [row] = await m.query<Row[]>(
    `INSERT INTO audit_checkpoint (commit_pos, prepare_pos, log_head, events_count, at, key_id, signature, trigger, requested_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
    [p.commit.toString(), p.prepare.toString(), cp.logHead, cp.eventsCount, cp.at, cp.keyId, cp.signature, trigger, requestedBy],
  );
  return toCheckpoint(row);
}

/** The checkpoints of one key, furthest in the log first. */
export async function checkpointsByKey(m: EntityManager, keyId: string, limit: number, offset: number): Promise<StoredCheckpoint[]> {
  const rows = await m.query<Row[]>(
    `SELECT ${COLUMNS} FROM audit_checkpoint WHERE key_id = $1
     ORDER BY audit_checkpoint.commit_pos DESC, audit_checkpoint.prepare_pos DESC, audit_checkpoint.id DESC LIMIT ${limit} OFFSET ${offset}`,
    [keyId],
  );
  return rows.map(toCheckpoint);
}

/** Newest first by id. */
export async function listCheckpoints(ds: DataSource, limit: number, before: number | null): Promise<CheckpointsPage> {
  const rows = await ds.query<Row[]>(
    `SELECT ${COLUMNS} FROM audit_checkpoint WHERE ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT ${limit + 1}`,
    [before],
  );
  const page = rows.slice(0, limit).map(toCheckpoint);
  return { checkpoints: page, next: rows.length > limit ? page[page.length - 1].id : null };
}

/** Every checkpoint, oldest first, a page at a time (the export's trailer). */
export async function* allCheckpoints(ds: DataSource): AsyncGenerator<StoredCheckpoint> {
  let after = 0;
  for (;;) {
    const rows = await ds.query<Row[]>(`SELECT ${COLUMNS} FROM audit_checkpoint WHERE id > $1 ORDER BY id LIMIT 500`, [after]);
    for (const r of rows) yield toCheckpoint(r);
    if (rows.length < 500) return;
    after = Number(rows[rows.length - 1].id);
  }
}

/** The newest signed checkpoint (reports name it), read on the caller's connection so it shares its snapshot. */
export async function latestCheckpoint(q: { query(sql: string, params?: unknown[]): Promise<unknown> }): Promise<StoredCheckpoint | null> {
  const rows = (await q.query(`SELECT ${COLUMNS} FROM audit_checkpoint ORDER BY id DESC LIMIT 1`)) as Row[];
  return rows[0] ? toCheckpoint(rows[0]) : null;
}
