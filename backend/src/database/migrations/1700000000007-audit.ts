import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models of the audit projections (docs/audit.md): `audit_correction`, one row per TallyCorrected, for the
 * city-wide corrections list; `audit_anchor`, one row per TPS event in global order with the running log-chain head,
 * so verify can tell a deleted, inserted or reordered event by its position. Default constraint names, as in
 * migration 1700000000005, so a rebuild's `LIKE ... INCLUDING ALL` copies come out the same.
 */
export class Audit1700000000007 implements MigrationInterface {
  name = 'Audit1700000000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_correction (
        commit_pos numeric(20,0) NOT NULL,
        prepare_pos numeric(20,0) NOT NULL,
        event_id text NOT NULL,
        tps_id text NOT NULL,
        kelurahan_code text NOT NULL,
        kecamatan_code text NOT NULL,
        contest text NOT NULL,
        revision bigint NOT NULL,
        corrects_revision bigint NOT NULL,
        actor text NOT NULL,
        role text NOT NULL,
        server_time timestamptz NOT NULL,
        reason text NOT NULL,
        diff jsonb NOT NULL,
        PRIMARY KEY (commit_pos, prepare_pos)
      )`);
    await q.query(`CREATE INDEX ON audit_correction (kelurahan_code, commit_pos, prepare_pos)`);
    await q.query(`CREATE INDEX ON audit_correction (actor, commit_pos, prepare_pos)`);
    await q.query(`CREATE INDEX ON audit_correction (server_time)`);
    await q.query(`
      CREATE TABLE audit_anchor (
        commit_pos numeric(20,0) NOT NULL,
        prepare_pos numeric(20,0) NOT NULL,
        stream text NOT NULL,
        revision bigint NOT NULL,
        event_id text NOT NULL,
        event_hash text NOT NULL,
        log_head text NOT NULL,
        PRIMARY KEY (commit_pos, prepare_pos)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS audit_anchor`);
    await q.query(`DROP TABLE IF EXISTS audit_correction`);
  }
}
