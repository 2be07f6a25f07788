import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Placeholder schema for the PostgreSQL event store; replaced by the event-store work. */
export class EventStore1700000000001 implements MigrationInterface {
  name = 'EventStore1700000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS es`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA IF EXISTS es CASCADE`);
  }
}
