import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The TPS with a C.Hasil photo, counted per kelurahan by the tps-status projection like the other status counts, so
 * the summary's "foto C.Hasil n / N" is a sum over kelurahan rows, not a scan of every TPS row on each read and each
 * live push (83,000 rows, not 820,000, at national size). Existing rows are counted once here.
 */
export class KelurahanPhotos1700000000110 implements MigrationInterface {
  name = 'KelurahanPhotos1700000000110';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rm_kelurahan_status ADD COLUMN tps_with_photos integer NOT NULL DEFAULT 0`);
    await q.query(`
      UPDATE rm_kelurahan_status s SET tps_with_photos = c.n
      FROM (SELECT kelurahan_code, count(*)::int AS n FROM rm_tps
            WHERE jsonb_array_length(coalesce(doc->'photos', '[]'::jsonb)) > 0 GROUP BY kelurahan_code) c
      WHERE c.kelurahan_code = s.kelurahan_code`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rm_kelurahan_status DROP COLUMN tps_with_photos`);
  }
}
