import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Read model of the messages to monitors (messages/messages.projection.ts); default constraint names for rebuilds. */
export class Messages1700000000081 implements MigrationInterface {
  name = 'Messages1700000000081';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE rm_message (
      message_id text PRIMARY KEY,
      sent_at timestamptz NOT NULL,
      recipients text[] NOT NULL,
      doc jsonb NOT NULL,
      last_commit numeric(20,0) NOT NULL,
      last_prepare numeric(20,0) NOT NULL
    )`);
    await q.query(`CREATE INDEX ON rm_message USING gin (recipients)`);
    await q.query(`CREATE INDEX ON rm_message (sent_at DESC)`);
    await q.query(`CREATE TABLE rm_message_read (
      message_id text NOT NULL,
      tps_id text NOT NULL,
      officer text NOT NULL,
      read_at timestamptz NOT NULL,
      PRIMARY KEY (message_id, tps_id)
    )`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rm_message_read`);
    await q.query(`DROP TABLE rm_message`);
  }
}
