import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Users1700000000002 implements MigrationInterface {
  name = 'Users1700000000002';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE users (
      nip text PRIMARY KEY,
      name text NOT NULL,
      phone text,
      role text NOT NULL CHECK (role IN ('officer','operator','auditor','admin','display')),
      tps_id text,
      pin_hash text NOT NULL,
      demo boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((role = 'officer') = (tps_id IS NOT NULL))
    )`);
    await q.query(`CREATE INDEX users_tps_idx ON users (tps_id)`);
    // Failed sign-ins per NIP, for the 5-in-15-minutes lockout; shared by every backend node.
    await q.query(`CREATE TABLE login_failures (nip text NOT NULL, failed_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX login_failures_nip_idx ON login_failures (nip, failed_at)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_failures`);
    await q.query(`DROP TABLE users`);
  }
}
