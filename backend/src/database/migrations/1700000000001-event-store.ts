import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The PostgreSQL event store (docs/event-store.md), in its own schema `es`, apart from the TypeORM read models.
 *
 * - `es.streams` holds one row per stream with its current revision: appends claim revisions by updating (or inserting)
 *   that row with the expected revision in the WHERE clause, so concurrency control is a row lock per stream, never a
 *   table or global lock.
 * - `es.events` is the log. `global_id` only breaks ties inside one transaction; readers order by
 *   (transaction_id, global_id) and read only below the snapshot's xmin, because bigserial values are handed out before
 *   commit and would let a tailing reader skip an event whose transaction committed late.
 * - UNIQUE (stream_id, event_id) makes re-appending caller-chosen ids detectable (idempotent retries).
 */
export class EventStore1700000000001 implements MigrationInterface {
  name = 'EventStore1700000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS es`);
    await q.query(`
      CREATE TABLE es.streams (
        stream_id text PRIMARY KEY,
        revision bigint NOT NULL CHECK (revision >= 0)
      )`);
    await q.query(`
      CREATE TABLE es.events (
        global_id bigserial PRIMARY KEY,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_id text NOT NULL,
        revision bigint NOT NULL CHECK (revision >= 0),
        event_id uuid NOT NULL,
        type text NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT events_stream_revision_key UNIQUE (stream_id, revision),
        CONSTRAINT events_stream_event_id_key UNIQUE (stream_id, event_id)
      )`);
    // The global log's read order; also serves the xmin cut-off and headPosition.
    await q.query(`CREATE INDEX events_position_idx ON es.events (transaction_id, global_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA IF EXISTS es CASCADE`);
  }
}
