import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models of the projections (docs/projections.md). Position columns are numeric(20,0) because both halves of a
 * store position are unsigned 64-bit numbers. Constraint and index names are left to PostgreSQL's defaults on purpose:
 * a rebuild creates shadow copies with `LIKE ... INCLUDING ALL` in the schema `proj_rebuild` and moves them into
 * `public`, and the default names come out the same there, so a future migration can still refer to them.
 */
export class Projections1700000000005 implements MigrationInterface {
  name = 'Projections1700000000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE proj_checkpoint (
        name text PRIMARY KEY,
        commit_pos numeric(20,0),
        prepare_pos numeric(20,0),
        events_applied bigint NOT NULL DEFAULT 0,
        last_event_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE rm_tps (
        tps_id text PRIMARY KEY,
        kelurahan_code text NOT NULL,
        state text NOT NULL,
        checked_in boolean NOT NULL,
        doc jsonb NOT NULL,
        last_commit numeric(20,0) NOT NULL,
        last_prepare numeric(20,0) NOT NULL
      )`);
    await q.query(`CREATE INDEX ON rm_tps (kelurahan_code)`);
    await q.query(`CREATE INDEX ON rm_tps (state)`);
    await q.query(`CREATE INDEX ON rm_tps (last_commit, last_prepare)`);
    await q.query(`
      CREATE TABLE rm_kelurahan_tally (
        kelurahan_code text NOT NULL,
        contest text NOT NULL,
        kecamatan_code text NOT NULL,
        tps_reported integer NOT NULL,
        tps_flagged integer NOT NULL,
        valid_votes bigint NOT NULL,
        invalid_votes bigint NOT NULL,
        dpt_covered bigint NOT NULL,
        sxx bigint NOT NULL,
        candidates jsonb NOT NULL,
        PRIMARY KEY (kelurahan_code, contest)
      )`);
    await q.query(`CREATE INDEX ON rm_kelurahan_tally (contest, kecamatan_code)`);
    await q.query(`
      CREATE TABLE rm_kelurahan_status (
        kelurahan_code text PRIMARY KEY,
        kecamatan_code text NOT NULL,
        tps_checked_in integer NOT NULL,
        tps_reported integer NOT NULL,
        tps_flagged integer NOT NULL,
        open_incidents integer NOT NULL
      )`);
    await q.query(`
      CREATE TABLE rm_incident (
        incident_id text PRIMARY KEY,
        tps_id text NOT NULL,
        kelurahan_code text NOT NULL,
        status text NOT NULL,
        reported_at timestamptz NOT NULL,
        doc jsonb NOT NULL,
        last_commit numeric(20,0) NOT NULL,
        last_prepare numeric(20,0) NOT NULL
      )`);
    await q.query(`CREATE INDEX ON rm_incident (status, reported_at)`);
    await q.query(`CREATE INDEX ON rm_incident (last_commit, last_prepare)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['rm_incident', 'rm_kelurahan_status', 'rm_kelurahan_tally', 'rm_tps', 'proj_checkpoint']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
    await q.query(`DROP SCHEMA IF EXISTS proj_rebuild CASCADE`);
    await q.query(`DROP SCHEMA IF EXISTS proj_retired CASCADE`);
  }
}
