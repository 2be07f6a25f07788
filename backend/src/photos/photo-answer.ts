import type { RecordedEvent } from '../event-store/event-store.port.js';
import { positionToString } from '../event-store/position.js';
import type { FormPhotoAttached } from '../tps/tps.events.js';

/** The upload's 201 body, a pure function of the stored event: a replay gets exactly the first answer back. */
export function photoAnswer(event: RecordedEvent, replayed: boolean) {
  const d = event.data as FormPhotoAttached['data'];
  return {
    photoId: d.hash,
    eventId: event.id,
    revision: Number(event.revision),
    position: positionToString(event.position),
    tpsId: d.tpsId,
    contest: d.contest,
    page: d.page,
    mediaType: d.mediaType,
    width: d.width,
    height: d.height,
    bytes: d.size,
    cameraTime: d.cameraTime,
    duplicateOf: d.duplicateOf,
    ...(replayed ? { replayed: true } : {}),
  };
}

export type PhotoAnswer = ReturnType<typeof photoAnswer>;
