import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Verification (docs/audit.md, "Review, hold and the official count"): the supervisor role; per TPS the review state
 * the queue reads and the size of the difference with the official (KPU) result; per kelurahan the held TPS and the
 * official sums beside ours. Existing rows get the values a log without reviews or official results gives.
 * `proj_setting` remembers the FLAGGED_TALLIES policy the read models were built with (projections/policy-setting.ts).
 */
export class Verification1700000000100 implements MigrationInterface {
  name = 'Verification1700000000100';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check`);
    await q.query(
      `ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('officer','operator','supervisor','auditor','admin','display'))`,
    );
    await q.query(`ALTER TABLE rm_tps ADD COLUMN review text, ADD COLUMN official_diff integer`);
    await q.query(`CREATE INDEX ON rm_tps (review) WHERE review IS NOT NULL`);
    await q.query(`CREATE INDEX ON rm_tps (official_diff DESC, tps_id) WHERE official_diff > 0`);
    await q.query(`
      ALTER TABLE rm_kelurahan_tally
        ADD COLUMN tps_held integer NOT NULL DEFAULT 0,
        ADD COLUMN official_tps integer NOT NULL DEFAULT 0,
        ADD COLUMN official_valid bigint NOT NULL DEFAULT 0,
        ADD COLUMN official_candidates jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN official_differing integer NOT NULL DEFAULT 0`);
    await q.query(`CREATE TABLE proj_setting (key text PRIMARY KEY, value text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE proj_setting`);
    await q.query(`
      ALTER TABLE rm_kelurahan_tally DROP COLUMN tps_held, DROP COLUMN official_tps, DROP COLUMN official_valid,
        DROP COLUMN official_candidates, DROP COLUMN official_differing`);
    await q.query(`ALTER TABLE rm_tps DROP COLUMN review, DROP COLUMN official_diff`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_role_check`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('officer','operator','auditor','admin','display'))`);
  }
}
