import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Incidents are ordered by the server's recorded time since this version (the client's `at` became `occurredAt`):
 * the incidents read model is emptied and its checkpoint dropped, so the projection replays the log at the next start
 * and every row gets the new `reported_at` and doc. Other projections are untouched.
 */
export class IncidentsServerTime1700000000020 implements MigrationInterface {
  name = 'IncidentsServerTime1700000000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`TRUNCATE rm_incident`);
    await q.query(`DELETE FROM proj_checkpoint WHERE name = 'incidents'`);
  }

  async down(): Promise<void> {
    // Nothing to undo: the projection rebuilds itself from the log.
  }
}
