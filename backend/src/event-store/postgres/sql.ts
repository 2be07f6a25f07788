/**
 * The SQL of the PostgreSQL event store, and the mapping of its rows. Schema: migrations/1700000000001-event-store.ts.
 * bigint and xid8 columns are selected as text: pg would hand them back as strings anyway, and BigInt(text) is exact.
 */
import type { EventMetadata, ExpectedRevision, RecordedEvent } from '../event-store.port.js';
import { position, type Position } from '../position.js';

export const NOTIFY_CHANNEL = 'es_events';

/** Only transactions below the snapshot's xmin are finished: nothing can commit later with a smaller position. */
const VISIBLE = `transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;

// Order by the qualified e.* columns: a bare name in ORDER BY would pick these text aliases and sort "10" before "9".
const EVENT_COLUMNS = `global_id::text AS global_id, transaction_id::text AS transaction_id, stream_id,
  revision::text AS revision, event_id::text AS event_id, type, data, metadata, recorded_at`;

export interface EventRow {
  global_id: string;
  transaction_id: string;
  stream_id: string;
  revision: string;
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  recorded_at: Date;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    stream: row.stream_id,
    revision: BigInt(row.revision),
    position: position(BigInt(row.transaction_id), BigInt(row.global_id)),
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}

/** Class of the per-stream append lock (two-key advisory locks: a space apart from the single-key ones elsewhere). */
const STREAM_LOCK_CLASS = 0x4553; // "ES"

/**
 * Appenders of one stream queue here first, on a transaction-level advisory lock taken before the statement writes
 * anything. A transaction gets its xid (the first half of its position) at its first write, so the later appender of
 * a stream gets its xid after the earlier one committed: revision order is log order. Without it, two creators could
 * both insert a stream row (each taking an xid) and the loser of the unique-index race went on to claim revision 1
 * with the smaller xid; an UPDATE likewise takes its xid before it waits for the row lock. The claims below read the
 * stream id from this CTE, so they cannot run before the lock is held. A hash collision only queues two streams.
 */
const SERIALISED = `serialised AS MATERIALIZED (
    SELECT $1::text AS stream_id FROM (SELECT pg_advisory_xact_lock(${STREAM_LOCK_CLASS}, hashtext($1::text))) AS locked)`;

/**
 * Claims `$2` revisions on stream `$1` if the expectation holds, returning the stream's new revision (no row = conflict).
 */
function claim(expected: ExpectedRevision): string {
  const stream = `(SELECT stream_id FROM serialised)`;
  if (typeof expected === 'bigint') {
    return `UPDATE es.streams SET revision = revision + $2::bigint WHERE stream_id = ${stream} AND revision = $4::bigint RETURNING revision`;
  }
  switch (expected) {
    case 'no_stream':
      return `INSERT INTO es.streams (stream_id, revision) SELECT stream_id, $2::bigint - 1 FROM serialised
        ON CONFLICT DO NOTHING RETURNING revision`;
    case 'stream_exists':
      return `UPDATE es.streams SET revision = revision + $2::bigint WHERE stream_id = ${stream} RETURNING revision`;
    case 'any':
      return `INSERT INTO es.streams (stream_id, revision) SELECT stream_id, $2::bigint - 1 FROM serialised
        ON CONFLICT (stream_id) DO UPDATE SET revision = es.streams.revision + $2::bigint RETURNING revision`;
    default: {
      const never: never = expected;
      throw new Error(`unknown expected revision ${String(never)}`);
    }
  }
}

/**
 * One statement, so one round trip and its own transaction: queue on the stream's lock, claim the revisions, then
 * insert the batch ($3, a JSON array) numbered from the claimed range. ORDER BY keeps global_id in batch order.
 */
export function appendSql(expected: ExpectedRevision): string {
  return `WITH ${SERIALISED}, claimed AS (${claim(expected)})
    INSERT INTO es.events (stream_id, revision, event_id, type, data, metadata)
    SELECT $1::text, claimed.revision - $2::bigint + e.ord, (e.value->>'id')::uuid, e.value->>'type', e.value->'data', e.value->'metadata'
    FROM claimed, jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(value, ord)
    ORDER BY e.ord
    RETURNING revision::text AS revision, global_id::text AS global_id, transaction_id::text AS transaction_id`;
}

/** After a failed claim: what the stream holds now, and which of the batch's ids it already has. */
export const CURRENT_REVISION_SQL = `SELECT revision::text AS revision FROM es.streams WHERE stream_id = $1::text`;
export const EXISTING_IDS_SQL = `SELECT event_id::text AS event_id, revision::text AS revision, global_id::text AS global_id,
  transaction_id::text AS transaction_id FROM es.events e WHERE stream_id = $1::text AND event_id = ANY($2::uuid[])`;

const MAX_BIGINT = '9223372036854775807';

export function readStreamSql(backwards: boolean): string {
  return backwards
    ? `SELECT ${EVENT_COLUMNS} FROM es.events e WHERE stream_id = $1::text AND revision <= $2::bigint ORDER BY e.revision DESC LIMIT $3::bigint`
    : `SELECT ${EVENT_COLUMNS} FROM es.events e WHERE stream_id = $1::text AND revision >= $2::bigint ORDER BY e.revision LIMIT $3::bigint`;
}

export function readStreamParams(stream: string, backwards: boolean, from: bigint | undefined, limit: number | undefined) {
  return [stream, from === undefined ? (backwards ? MAX_BIGINT : '0') : from.toString(), limitParam(limit)];
}

/** Global log, in position order, strictly after (forwards) or before (backwards) a position, visible part only. */
export function readAllQuery(
  direction: 'forwards' | 'backwards',
  after: Position | null,
  limit: number | undefined,
): { text: string; values: unknown[] } {
  const backwards = direction === 'backwards';
  const bound = after ? `AND (transaction_id, global_id) ${backwards ? '<' : '>'} ($1::xid8, $2::bigint)` : '';
  const order = backwards ? 'e.transaction_id DESC, e.global_id DESC' : 'e.transaction_id, e.global_id';
  const values: Array<string | null> = after ? [after.commit.toString(), after.prepare.toString()] : [];
  values.push(limitParam(limit));
  return {
    text: `SELECT ${EVENT_COLUMNS} FROM es.events e WHERE ${VISIBLE} ${bound} ORDER BY ${order} LIMIT $${values.length}::bigint`,
    values,
  };
}

export const HEAD_SQL = `SELECT transaction_id::text AS transaction_id, global_id::text AS global_id FROM es.events e
  WHERE ${VISIBLE} ORDER BY e.transaction_id DESC, e.global_id DESC LIMIT 1`;

/** NULL = LIMIT ALL. */
function limitParam(limit: number | undefined): string | null {
  return limit === undefined ? null : String(Math.max(0, Math.floor(limit)));
}
