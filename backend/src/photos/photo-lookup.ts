import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PhotoDuplicate } from '../tps/tps.events.js';
import { hamming } from './image-inspect.js';

interface PhotoRow {
  tps_id: string;
  photo_id: string;
  dhash: string;
}

/**
 * The photo questions answered from the TPS read model (rm_tps docs carry each TPS's photos): which TPS hold a photo,
 * which photos exist at all, and whether a new one repeats another TPS's photo.
 */
@Injectable()
export class PhotoLookup {
  constructor(private readonly ds: DataSource) {}

  private photos(where = '', params: unknown[] = []): Promise<PhotoRow[]> {
    return this.ds.query(
      `SELECT t.tps_id, p->>'photoId' AS photo_id, p->>'dhash' AS dhash
       FROM rm_tps t, jsonb_array_elements(coalesce(t.doc->'photos', '[]'::jsonb)) p ${where}`,
      params,
    );
  }

  /** The TPS a photo is attached to (more than one when it was reused). */
  async ownersOf(photoId: string): Promise<string[]> {
    const found = await this.photos(`WHERE p->>'photoId' = $1`, [photoId]);
    return [...new Set(found.map((r) => r.tps_id))].sort();
  }

  /** Every photo the read model knows, for the orphan sweep. */
  async referenced(): Promise<Set<string>> {
    return new Set((await this.photos()).map((r) => r.photo_id));
  }

  /**
   * The earliest photo of another TPS that this one repeats: the same bytes (PHOTO.REUSED) or, failing that, the
   * closest dHash within `maxDistance` bits (PHOTO.NEAR_DUPLICATE). A flag, never a refusal.
   */
  async duplicateOf(tpsId: string, hash: string, dhash: string, maxDistance: number): Promise<PhotoDuplicate | null> {
    const others = await this.photos(`WHERE t.tps_id <> $1 ORDER BY t.tps_id`, [tpsId]);
    const same = others.find((r) => r.photo_id === hash);
    if (same) return { code: 'PHOTO.REUSED', tpsId: same.tps_id, photoId: same.photo_id, distance: 0 };
    let best: PhotoDuplicate | null = null;
    for (const r of others) {
      if (!r.dhash) continue;
      const d = hamming(r.dhash, dhash);
      if (d <= maxDistance && (!best || d < best.distance))
        best = { code: 'PHOTO.NEAR_DUPLICATE', tpsId: r.tps_id, photoId: r.photo_id, distance: d };
    }
    return best;
  }
}
