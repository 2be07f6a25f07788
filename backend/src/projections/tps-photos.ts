/**
 * The photo part of the TPS read model, pure: which C.Hasil photos a TPS has, and the reuse flags raised by its own
 * uploads (`duplicateOf` in the event) or by another TPS's upload of the same or a near-copy photo (`reusedBy`).
 */
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { PhotoView, TpsFlag } from '../live/live.contract.js';
import type { FormPhotoAttached, PhotoDuplicate } from '../tps/tps.events.js';

export interface PhotoRecord extends PhotoView {
  dhash: string;
}

/** Another TPS attached this TPS's photo (or a near-copy of it) later. */
export interface PhotoReuse {
  code: PhotoDuplicate['code'];
  photoId: string;
  byTpsId: string;
  byPhotoId: string;
}

export interface TpsPhotoPart {
  photos?: PhotoRecord[];
  photoReusedBy?: PhotoReuse[];
}

export function attachPhoto<D extends TpsPhotoPart>(doc: D, recorded: RecordedEvent, data: FormPhotoAttached['data']): D {
  const photos = doc.photos ?? [];
  if (photos.some((p) => p.photoId === data.hash && p.contest === data.contest && p.page === data.page)) return doc;
  const record: PhotoRecord = {
    photoId: data.hash,
    contest: data.contest,
    page: data.page,
    revision: Number(recorded.revision),
    width: data.width,
    height: data.height,
    bytes: data.size,
    mediaType: data.mediaType,
    cameraTime: data.cameraTime,
    attachedAt: recorded.recordedAt.toISOString(),
    duplicateOf: data.duplicateOf,
    dhash: data.dhash,
  };
  return { ...doc, photos: [...photos, record] };
}

/** Marks the earlier TPS when a later upload elsewhere repeats its photo. */
export function markReusedBy<D extends TpsPhotoPart>(doc: D, data: FormPhotoAttached['data']): D {
  const dup = data.duplicateOf;
  if (!dup) return doc;
  const list = doc.photoReusedBy ?? [];
  if (list.some((r) => r.byTpsId === data.tpsId && r.byPhotoId === data.hash && r.photoId === dup.photoId)) return doc;
  return { ...doc, photoReusedBy: [...list, { code: dup.code, photoId: dup.photoId, byTpsId: data.tpsId, byPhotoId: data.hash }] };
}

/** The TPS another TPS's photo event also touches (the one whose photo it repeats). */
export function photoTouches(recorded: RecordedEvent): string | null {
  if (recorded.type !== 'FormPhotoAttached') return null;
  const dup = (recorded.data as FormPhotoAttached['data']).duplicateOf;
  return dup && dup.tpsId !== (recorded.data as FormPhotoAttached['data']).tpsId ? dup.tpsId : null;
}

const WHAT = { 'PHOTO.REUSED': 'the same photo', 'PHOTO.NEAR_DUPLICATE': 'a near-copy of the photo' } as const;

export function photoFlags(doc: TpsPhotoPart): TpsFlag[] {
  const flags: TpsFlag[] = [];
  for (const p of doc.photos ?? []) {
    if (!p.duplicateOf) continue;
    const d = p.duplicateOf;
    flags.push({
      kind: 'photo',
      code: d.code,
      message: `${p.contest} page ${p.page}: ${WHAT[d.code]} attached earlier to TPS ${d.tpsId} (${d.photoId.slice(0, 12)})`,
    });
  }
  for (const r of doc.photoReusedBy ?? []) {
    flags.push({
      kind: 'photo',
      code: r.code,
      message: `photo ${r.photoId.slice(0, 12)}: ${WHAT[r.code]} attached later to TPS ${r.byTpsId} (${r.byPhotoId.slice(0, 12)})`,
    });
  }
  return flags;
}

export const photoViews = (doc: TpsPhotoPart): PhotoView[] => (doc.photos ?? []).map(({ dhash: _dhash, ...view }) => view);
