import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed log heads (docs/audit.md). The table only stores them: the Ed25519 signature, made with a key outside the
 * database, is what makes a row trustworthy. `at` is kept as the exact ISO text that was signed.
 */
export class AuditCheckpoints1700000000040 implements MigrationInterface {
  name = 'AuditCheckpoints1700000000040';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_checkpoint (
        id bigserial PRIMARY KEY,
        commit_pos numeric(20,0) NOT NULL,
        prepare_pos numeric(20,0) NOT NULL,
        log_head text NOT NULL,
        events_count bigint NOT NULL,
        at text NOT NULL,
        key_id text NOT NULL,
        signature text NOT NULL,
        trigger text NOT NULL,
        requested_by text
      )`);
    await q.query(`CREATE INDEX ON audit_checkpoint (commit_pos, prepare_pos)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS audit_checkpoint`);
  }
}
