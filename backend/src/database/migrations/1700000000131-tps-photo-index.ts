import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which TPS hold a photo (photos/photo-lookup.ts) by an index on the photos of each rm_tps doc, not by unnesting every
 * TPS's photos on each read and upload (820,000 docs nationally). Rebuild shadow tables copy it (LIKE ... INCLUDING ALL).
 */
export class TpsPhotoIndex1700000000131 implements MigrationInterface {
  name = 'TpsPhotoIndex1700000000131';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX rm_tps_photos ON rm_tps USING gin ((doc->'photos') jsonb_path_ops)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX rm_tps_photos`);
  }
}
