import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Totals of every area above kelurahan (the nation '', provinsi 2 digits, kabupaten/kota 4, kecamatan 6), kept by the
 * tps-status projection in the same transaction as the kelurahan rows (docs/projections.md): a summary at any level
 * reads one row, a list of children reads one row per child, never the TPS. `parent_code` is the area one level up
 * (null for the nation), for the children of an area in code order. Existing kelurahan rows are summed once here,
 * exactly as the projection would (zero candidate entries dropped).
 */
export class AreaTotals1700000000120 implements MigrationInterface {
  name = 'AreaTotals1700000000120';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rm_area_tally (
        area_code text NOT NULL,
        contest text NOT NULL,
        parent_code text,
        tps_reported integer NOT NULL,
        tps_flagged integer NOT NULL,
        valid_votes bigint NOT NULL,
        invalid_votes bigint NOT NULL,
        dpt_covered bigint NOT NULL,
        sxx bigint NOT NULL,
        candidates jsonb NOT NULL,
        tps_held integer NOT NULL,
        official_tps integer NOT NULL,
        official_valid bigint NOT NULL,
        official_candidates jsonb NOT NULL,
        official_differing integer NOT NULL,
        PRIMARY KEY (area_code, contest)
      )`);
    await q.query(`CREATE INDEX rm_area_tally_children ON rm_area_tally (parent_code, contest, area_code)`);
    await q.query(`
      CREATE TABLE rm_area_status (
        area_code text PRIMARY KEY,
        parent_code text,
        tps_checked_in integer NOT NULL,
        tps_reported integer NOT NULL,
        tps_flagged integer NOT NULL,
        open_incidents integer NOT NULL,
        tps_with_photos integer NOT NULL
      )`);
    await q.query(`CREATE INDEX rm_area_status_children ON rm_area_status (parent_code, area_code)`);
    const parent = `CASE WHEN l.len = 0 THEN NULL ELSE left(k.kelurahan_code, l.prev) END`;
    const levels = `(VALUES (0, 0), (2, 0), (4, 2), (6, 4)) AS l(len, prev)`;
    await q.query(`
      INSERT INTO rm_area_status
      SELECT left(k.kelurahan_code, l.len), ${parent}, sum(tps_checked_in), sum(tps_reported), sum(tps_flagged),
             sum(open_incidents), sum(tps_with_photos)
      FROM rm_kelurahan_status k, ${levels} GROUP BY 1, 2`);
    await q.query(`
      INSERT INTO rm_area_tally
      SELECT left(k.kelurahan_code, l.len), contest, ${parent}, sum(tps_reported), sum(tps_flagged), sum(valid_votes),
             sum(invalid_votes), sum(dpt_covered), sum(sxx), '{}', sum(tps_held), sum(official_tps), sum(official_valid), '{}',
             sum(official_differing)
      FROM rm_kelurahan_tally k, ${levels} GROUP BY 1, 2, 3`);
    await q.query(`
      UPDATE rm_area_tally a SET candidates = c.candidates FROM (
        SELECT code, contest, jsonb_object_agg(number, jsonb_build_object('y', y, 'yy', yy, 'xy', xy)) AS candidates FROM (
          SELECT left(k.kelurahan_code, l.len) AS code, contest, e.key AS number, sum((e.value->>'y')::bigint) AS y,
                 sum((e.value->>'yy')::bigint) AS yy, sum((e.value->>'xy')::bigint) AS xy
          FROM rm_kelurahan_tally k, jsonb_each(k.candidates) e, ${levels} GROUP BY 1, 2, 3) s
        WHERE y <> 0 OR yy <> 0 OR xy <> 0 GROUP BY 1, 2) c
      WHERE a.area_code = c.code AND a.contest = c.contest`);
    await q.query(`
      UPDATE rm_area_tally a SET official_candidates = c.official FROM (
        SELECT code, contest, jsonb_object_agg(number, votes) AS official FROM (
          SELECT left(k.kelurahan_code, l.len) AS code, contest, e.key AS number, sum(e.value::bigint) AS votes
          FROM rm_kelurahan_tally k, jsonb_each_text(k.official_candidates) e, ${levels} GROUP BY 1, 2, 3) s
        WHERE votes <> 0 GROUP BY 1, 2) c
      WHERE a.area_code = c.code AND a.contest = c.contest`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rm_area_tally`);
    await q.query(`DROP TABLE rm_area_status`);
  }
}
