import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in hardening (docs/security.md, "Sign-in"): failures are counted per (NIP, client address), a NIP can be held
 * for a posko unlock, and every user has a token version that moves when its PIN, role or TPS changes, so tokens
 * issued before the change stop working.
 */
export class SignInHardening1700000000010 implements MigrationInterface {
  name = 'SignInHardening1700000000010';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE login_failures ADD COLUMN client text NOT NULL DEFAULT ''`);
    // An attempt is recorded as a failure before its PIN is checked (outside any transaction) and removed on success.
    await q.query(`ALTER TABLE login_failures ADD COLUMN id bigserial PRIMARY KEY`);
    await q.query(`CREATE INDEX login_failures_client_idx ON login_failures (client, failed_at)`);
    await q.query(`CREATE INDEX login_failures_failed_at_idx ON login_failures (failed_at)`);
    // A NIP that reached the long-window limit: refused for every client until the posko unlocks it.
    await q.query(`CREATE TABLE login_locks (
      nip text PRIMARY KEY,
      locked_at timestamptz NOT NULL DEFAULT now(),
      failures integer NOT NULL,
      clients integer NOT NULL
    )`);
    await q.query(`ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0`);
    // Every writer of users (imports, scripts, seeds) gets the rule without knowing about it.
    await q.query(`CREATE FUNCTION users_bump_token_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.pin_hash IS DISTINCT FROM OLD.pin_hash OR NEW.role IS DISTINCT FROM OLD.role
           OR NEW.tps_id IS DISTINCT FROM OLD.tps_id THEN
          NEW.token_version := OLD.token_version + 1;
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER users_token_version BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_bump_token_version()`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER users_token_version ON users`);
    await q.query(`DROP FUNCTION users_bump_token_version()`);
    await q.query(`ALTER TABLE users DROP COLUMN token_version`);
    await q.query(`DROP TABLE login_locks`);
    await q.query(`DROP INDEX login_failures_failed_at_idx`);
    await q.query(`DROP INDEX login_failures_client_idx`);
    await q.query(`ALTER TABLE login_failures DROP COLUMN id`);
    await q.query(`ALTER TABLE login_failures DROP COLUMN client`);
  }
}
