import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { positionToString } from '../event-store/position.js';
import { READ_MODELS, type ReadModels } from '../projections/read-models.port.js';
import { PhotoLookup } from './photo-lookup.js';
import { FsPhotoStore } from './store/fs.photo-store.js';
import { PHOTO_STORE, type PhotoStore } from './store/photo-store.port.js';

export interface SweepReport {
  /** False when the read models had not caught up with the log: then nothing was removed. */
  ran: boolean;
  removed: string[];
  kept: number;
  partials: number;
}

/**
 * Removes orphans: photos in the store that no FormPhotoAttached event points at (their append failed after the bytes
 * were stored) and that are older than PHOTO_ORPHAN_MINUTES, which covers an upload still between its two steps.
 * "Pointed at" is read from the TPS read model, but only once the projections have reached the log's head read
 * before: an appended event not yet projected can then only be younger than the cutoff. Runs every
 * PHOTO_SWEEP_MINUTES (0 = never) on every node; removing is idempotent.
 */
@Injectable()
export class PhotoSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PhotoSweeper');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    @Inject(PHOTO_STORE) private readonly store: PhotoStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    private readonly lookup: PhotoLookup,
    @Optional() @Inject(READ_MODELS) private readonly readModels?: ReadModels,
  ) {}

  onApplicationBootstrap(): void {
    const minutes = this.config.PHOTO_SWEEP_MINUTES;
    if (minutes === 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .then((r) => r.removed.length && this.logger.warn(`removed ${r.removed.length} orphaned photo(s): ${r.removed.join(', ')}`))
        .catch((e: unknown) => this.logger.warn(`photo sweep failed: ${e instanceof Error ? e.message : String(e)}`))
        .finally(() => (this.running = null));
    }, minutes * 60_000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  async sweep(olderThanMs = this.config.PHOTO_ORPHAN_MINUTES * 60_000): Promise<SweepReport> {
    const cutoff = new Date(Date.now() - olderThanMs);
    const head = await this.events.headPosition();
    if (head && this.readModels && !(await this.readModels.waitForPosition(positionToString(head), 30_000))) {
      return { ran: false, removed: [], kept: 0, partials: 0 };
    }
    const referenced = await this.lookup.referenced();
    const removed: string[] = [];
    let kept = 0;
    for await (const p of this.store.list()) {
      if (referenced.has(p.hash) || p.storedAt >= cutoff) {
        kept++;
        continue;
      }
      await this.store.delete(p.hash);
      removed.push(p.hash);
    }
    const partials = this.store instanceof FsPhotoStore ? await this.store.removePartials(cutoff) : 0;
    return { ran: true, removed, kept, partials };
  }
}
