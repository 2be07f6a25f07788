import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PhotoDuplicate } from '../tps/tps.events.js';

interface PhotoRow {
  tps_id: string;
  photo_id: string;
  dhash: string;
}

/** The TPS docs holding a photo with this id: answered by the index on doc->'photos' (migration 1700000000131). */
const HOLDS = `t.doc->'photos' @> jsonb_build_array(jsonb_build_object('photoId', $1::text))`;
/** A dHash as 64 bits (the hex of image-inspect.ts dhash; anything else is left out of the comparison). */
const bits = (hex: string) => `('x' || lpad(${hex}, 16, '0'))::bit(64)`;

/**
 * The photo questions answered from the TPS read model (rm_tps docs carry each TPS's photos): which TPS hold a photo,
 * which photos exist at all, and whether a new one repeats another TPS's photo. Lookups by photo id use the index;
 * the near-duplicate search compares dHashes inside PostgreSQL and answers one row.
 */
@Injectable()
export class PhotoLookup {
  constructor(private readonly ds: DataSource) {}

  private photos(where = '', params: unknown[] = [], tail = ''): Promise<PhotoRow[]> {
    return this.ds.query(
      `SELECT t.tps_id, p->>'photoId' AS photo_id, p->>'dhash' AS dhash
       FROM rm_tps t, jsonb_array_elements(coalesce(t.doc->'photos', '[]'::jsonb)) WITH ORDINALITY AS e(p, i) ${where} ${tail}`,
      params,
    );
  }

  /** The TPS a photo is attached to (more than one when it was reused). */
  async ownersOf(photoId: string): Promise<string[]> {
    const found: { tps_id: string }[] = await this.ds.query(`SELECT t.tps_id FROM rm_tps t WHERE ${HOLDS} ORDER BY t.tps_id`, [photoId]);
    return [...new Set(found.map((r) => r.tps_id))].sort();
  }

  /** Every photo the read model knows, for the orphan sweep. */
  async referenced(): Promise<Set<string>> {
    return new Set((await this.photos()).map((r) => r.photo_id));
  }

  /**
   * The earliest photo of another TPS that this one repeats: the same bytes (PHOTO.REUSED) or, failing that, the
   * closest dHash within `maxDistance` bits (PHOTO.NEAR_DUPLICATE; ties: the first in TPS id and upload order). A flag,
   * never a refusal.
   */
  async duplicateOf(tpsId: string, hash: string, dhash: string, maxDistance: number): Promise<PhotoDuplicate | null> {
    const [same] = await this.photos(
      `WHERE ${HOLDS} AND t.tps_id <> $2 AND p->>'photoId' = $1`,
      [hash, tpsId],
      `ORDER BY t.tps_id, e.i LIMIT 1`,
    );
    if (same) return { code: 'PHOTO.REUSED', tpsId: same.tps_id, photoId: same.photo_id, distance: 0 };
    if (!/^[0-9a-fA-F]{1,16}$/.test(dhash)) return null;
    const near: (PhotoRow & { distance: number })[] = await this.ds.query(
      `SELECT tps_id, photo_id, distance FROM (
         SELECT t.tps_id, e.i, p->>'photoId' AS photo_id, bit_count(${bits(`p->>'dhash'`)} # ${bits('$2')})::int AS distance
         FROM rm_tps t, jsonb_array_elements(coalesce(t.doc->'photos', '[]'::jsonb)) WITH ORDINALITY AS e(p, i)
         WHERE t.tps_id <> $1 AND p->>'dhash' ~ '^[0-9a-fA-F]{1,16}$') d
       WHERE distance <= $3 ORDER BY distance, tps_id, i LIMIT 1`,
      [tpsId, dhash, maxDistance],
    );
    return near[0] ? { code: 'PHOTO.NEAR_DUPLICATE', tpsId: near[0].tps_id, photoId: near[0].photo_id, distance: near[0].distance } : null;
  }
}
