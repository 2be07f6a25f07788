import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Reserve monitors: an officer account may hold no TPS until the posko assigns one (POST /api/tps/{id}/officer). */
export class ReserveOfficers1700000000080 implements MigrationInterface {
  name = 'ReserveOfficers1700000000080';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP CONSTRAINT IF EXISTS users_check`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_tps_only_officers CHECK (role = 'officer' OR tps_id IS NULL)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_tps_only_officers`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_check CHECK ((role = 'officer') = (tps_id IS NOT NULL))`);
  }
}
