/**
 * `?asOf=`: the tallies as they stood at a moment, by replaying the log through the event-store port (never from the
 * current tables). The replay is kept in process (ReplayIndex) and extended from its last position on each question,
 * so scrubbing through election night costs a short walk per answer, not a replay from zero. Figures: docs/audit.md.
 */
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type RuntimeConfig } from '../../config/config.module.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { positionFromString } from '../../event-store/position.js';
import { DomainError } from '../../http/domain-error.js';
import type { KelurahanSummary, Summary } from '../../live/live.contract.js';
import { placeTps } from '../../projections/tps-status.projection.js';
import type { Contests } from '../../reference/contests.js';
import { CONTESTS, REFERENCE_DATA } from '../../reference/reference.module.js';
import type { ReferenceData } from '../../reference/reference-data.js';
import { kelurahanViews, summaryView, type ViewContext } from './as-of-views.js';
import { ReplayIndex } from './replay-index.js';

const PAGE = 5000;
/**
 * About 640 bytes of heap per cached event (docs/audit.md): past this the process would rather refuse than grow
 * without bound; a log this large should be replayed per province or from persisted snapshots.
 */
export const MAX_CACHED_EVENTS = 2_000_000;

export interface AsOfAnswer<T> {
  data: T;
  /** Position of the last event counted (null: none yet). */
  position: string | null;
}

@Injectable()
export class AsOfService {
  private readonly index: ReplayIndex;
  private readonly ctx: ViewContext;
  private loading: Promise<void> = Promise.resolve();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(REFERENCE_DATA) ref: ReferenceData,
    @Inject(CONTESTS) private readonly contests: Contests,
    @Inject(APP_CONFIG) config: Pick<RuntimeConfig, 'QUICKCOUNT_MIN_TPS'>,
  ) {
    this.index = new ReplayIndex((id) => placeTps(ref, id));
    this.ctx = { ref, contests, minTps: config.QUICKCOUNT_MIN_TPS };
  }

  async summary(asOf: Date, contest = this.contests.defaultCode): Promise<AsOfAnswer<Summary>> {
    const n = await this.countAt(asOf);
    const position = this.index.positionAt(n);
    return {
      data: summaryView(this.ctx, contest, this.index.cityAt(n), position, this.index.recordedAtOf(n), this.index.photoTpsAt(n)),
      position,
    };
  }

  async kelurahanList(asOf: Date, contest = this.contests.defaultCode): Promise<AsOfAnswer<KelurahanSummary[]>> {
    const n = await this.countAt(asOf);
    return { data: kelurahanViews(this.ctx, contest, this.index.kelurahanAt(n)), position: this.index.positionAt(n) };
  }

  /** Events in the replay (for the benchmark and health of the cache). */
  get cachedEvents(): number {
    return this.index.size;
  }

  private async countAt(asOf: Date): Promise<number> {
    await this.catchUp();
    return this.index.countAt(asOf.getTime());
  }

  /** Reads what the log gained since the last question; one reader at a time, the others wait for it. */
  private catchUp(): Promise<void> {
    this.loading = this.loading.catch(() => undefined).then(() => this.readNew());
    return this.loading;
  }

  private async readNew(): Promise<void> {
    for (;;) {
      const last = this.index.lastPosition;
      const page = await this.store.readAll({ after: last ? positionFromString(last) : 'start', direction: 'forwards', maxCount: PAGE });
      if (this.index.size + page.length > MAX_CACHED_EVENTS) {
        throw new DomainError(
          'AUDIT.REPLAY_TOO_LARGE',
          503,
          `The log holds more than ${MAX_CACHED_EVENTS} events: too many to replay in this process`,
        );
      }
      for (const e of page) this.index.add(e);
      if (page.length < PAGE) return;
    }
  }
}
