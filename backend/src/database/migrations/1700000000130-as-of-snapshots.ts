import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Persisted as-of replay (docs/audit.md, "As-of replay"): the log folded once into chunks of per-event deltas and
 * snapshots of the per-kelurahan totals every AS_OF_SNAPSHOT_EVERY events, so `?asOf=` loads the nearest snapshot and
 * replays at most one interval. `format` names the encoding: rows of another format are never read, and the builder
 * empties the tables and starts again when the format or the interval changes.
 */
export class AsOfSnapshots1700000000130 implements MigrationInterface {
  name = 'AsOfSnapshots1700000000130';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE as_of_state (
        id smallint PRIMARY KEY CHECK (id = 1),
        format integer NOT NULL,
        snapshot_every integer NOT NULL,
        chunk_size integer NOT NULL,
        n bigint NOT NULL,
        position text,
        photo_tps integer NOT NULL,
        max_at double precision NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE as_of_chunk (
        format integer NOT NULL,
        first_n bigint NOT NULL,
        count integer NOT NULL,
        max_at_end double precision NOT NULL,
        body bytea NOT NULL,
        PRIMARY KEY (format, first_n)
      )`);
    await q.query(`CREATE INDEX as_of_chunk_by_time ON as_of_chunk (format, max_at_end, first_n)`);
    await q.query(`
      CREATE TABLE as_of_snapshot (
        format integer NOT NULL,
        n bigint NOT NULL,
        city jsonb NOT NULL,
        kelurahan bytea NOT NULL,
        PRIMARY KEY (format, n)
      )`);
    await q.query(`CREATE TABLE as_of_tps_doc (tps_id text PRIMARY KEY, doc text NOT NULL)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE as_of_tps_doc, as_of_snapshot, as_of_chunk, as_of_state`);
  }
}
