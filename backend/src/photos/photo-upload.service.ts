import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../event-store/event-store.port.js';
import { DomainError } from '../http/domain-error.js';
import { currentRequestId } from '../logging/request-context.js';
import { TpsCommandHandler } from '../tps/tps-command.handler.js';
import { tpsStream, type FormPhotoAttached } from '../tps/tps.events.js';
import { inspectPhoto } from './image-inspect.js';
import { photoAnswer, type PhotoAnswer } from './photo-answer.js';
import { PhotoLookup } from './photo-lookup.js';
import { PHOTO_STORE, sha256, type PhotoStore } from './store/photo-store.port.js';

export interface PhotoTarget {
  tpsId: string;
  contest: string;
  page: number;
}

/**
 * One upload: 1. inspect the bytes (refusals store nothing); 2. an earlier event for the same bytes and page answers
 * a replay; 3. look for the same or a near-copy photo at another TPS; 4. store the bytes durably; 5. append
 * FormPhotoAttached through the TPS command handler (hash chain, expected revision). Bytes stored by a step 5 that
 * failed have no event; the orphan sweep removes them (photo-sweeper.ts).
 */
@Injectable()
export class PhotoUploadService {
  constructor(
    @Inject(PHOTO_STORE) private readonly photos: PhotoStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    private readonly handler: TpsCommandHandler,
    private readonly lookup: PhotoLookup,
  ) {}

  async upload(target: PhotoTarget, bytes: Buffer, principal: Principal): Promise<PhotoAnswer> {
    // 1.
    const facts = await inspectPhoto(bytes);
    const hash = sha256(bytes);
    // 2.
    const earlier = await this.earlierEvent(target, hash);
    if (earlier) return photoAnswer(earlier, true);
    // 3.
    const duplicateOf = await this.lookup.duplicateOf(target.tpsId, hash, facts.dhash, this.config.PHOTO_NEAR_DISTANCE);
    // 4.
    await this.photos.put(hash, bytes);
    // 5.
    const data: FormPhotoAttached['data'] = { ...target, hash, size: bytes.length, ...facts, duplicateOf };
    try {
      const { event } = await this.handler.handle(
        target.tpsId,
        { type: 'AttachPhoto', data },
        {
          principal,
          requestId: currentRequestId() ?? 'none',
          clientTime: null,
          route: `POST /api/tps/${target.tpsId}/photos`,
          body: { contest: target.contest, page: target.page, hash },
        },
      );
      return photoAnswer(event, false);
    } catch (e) {
      // A concurrent upload of the same bytes won the append: answer from its event.
      if (e instanceof DomainError && e.code === 'PHOTO.ALREADY_ATTACHED') {
        const won = await this.earlierEvent(target, hash);
        if (won) return photoAnswer(won, true);
      }
      throw e;
    }
  }

  private async earlierEvent(t: PhotoTarget, hash: string): Promise<RecordedEvent | undefined> {
    const history = await this.events.readStream(tpsStream(t.tpsId));
    return history.find((e) => {
      if (e.type !== 'FormPhotoAttached') return false;
      const d = e.data as FormPhotoAttached['data'];
      return d.hash === hash && d.contest === t.contest && d.page === t.page;
    });
  }
}
