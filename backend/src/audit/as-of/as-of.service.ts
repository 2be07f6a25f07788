/**
 * `?asOf=`: the tallies as they stood at a moment, by replaying the log through the event-store port (never from the
 * current tables). The replay is persisted (persisted-replay.ts): each answer folds what the log gained since the last
 * one, then loads the nearest snapshot at or before the moment and replays at most one snapshot interval. Projection
 * nodes also fold new events in the background, so an answer after a quiet hour does not wait for an hour of events.
 * Figures: docs/audit.md.
 */
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type RuntimeConfig } from '../../config/config.module.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { positionFromString } from '../../event-store/position.js';
import type { KelurahanSummary, Summary } from '../../live/live.contract.js';
import { READ_MODELS, type ReadModels } from '../../projections/read-models.port.js';
import { placeTps } from '../../projections/tps-status.projection.js';
import type { Contests } from '../../reference/contests.js';
import { CONTESTS, REFERENCE_DATA } from '../../reference/reference.module.js';
import type { ReferenceData } from '../../reference/reference-data.js';
import { kelurahanViews, summaryView, type ViewContext } from './as-of-views.js';
import { PersistedReplay } from './persisted-replay.js';

export interface AsOfAnswer<T> {
  data: T;
  /** Position of the last event counted (null: none yet). */
  position: string | null;
}

/** Read models this far behind the log are catching up: the background fold waits for them. */
const LIVE_LAG = 200;

type AsOfConfig = Pick<RuntimeConfig, 'QUICKCOUNT_MIN_TPS' | 'AS_OF_SNAPSHOT_EVERY' | 'AS_OF_BUILD_INTERVAL_SECONDS' | 'PROJECTIONS'>;

@Injectable()
export class AsOfService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('AsOf');
  private readonly replay: PersistedReplay;
  private readonly ctx: ViewContext;
  private timer: ReturnType<typeof setInterval> | null = null;
  private kick: ReturnType<typeof setTimeout> | null = null;
  /** Set at shutdown: a background fold stops after its batch in flight. */
  private stopping = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly rm: ReadModels,
    ds: DataSource,
    @Inject(REFERENCE_DATA) ref: ReferenceData,
    @Inject(CONTESTS) contests: Contests,
    @Inject(APP_CONFIG) private readonly config: AsOfConfig,
  ) {
    this.replay = new PersistedReplay(ds, store, (id) => placeTps(ref, id), { snapshotEvery: config.AS_OF_SNAPSHOT_EVERY });
    this.ctx = { ref, contests, minTps: config.QUICKCOUNT_MIN_TPS };
  }

  onModuleInit(): void {
    const every = this.config.AS_OF_BUILD_INTERVAL_SECONDS;
    if (!this.config.PROJECTIONS || every === 0) return;
    // The background fold gives way while the live projections catch up (a start on a long log, a rebuild): they come first.
    const fold = () =>
      this.replay
        .catchUp(async () => this.stopping || (await this.projectionsBehind()))
        .catch((e: unknown) => this.log.warn(`as-of replay: ${(e as Error).message}`));
    // Once soon after start (a log written while no node ran is folded before the first question), then on the interval.
    this.kick = setTimeout(() => void fold(), 2000);
    this.kick.unref();
    this.timer = setInterval(() => void fold(), every * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.replay.stop();
    if (this.kick) clearTimeout(this.kick);
    if (this.timer) clearInterval(this.timer);
    // Not awaited to the end: the fold stops at its next step, and a page cut off by the shutdown is one transaction
    // that rolls back; the next start folds it again (a slow database made the wait outlast the 15-second shutdown).
    await Promise.race([this.replay.settled(), new Promise((r) => setTimeout(r, 2000).unref())]);
  }

  async summary(asOf: Date, contest = this.ctx.contests.defaultCode): Promise<AsOfAnswer<Summary>> {
    const cut = await this.cutAt(asOf);
    const { city } = await this.replay.totalsAt(cut.n, false);
    return { data: summaryView(this.ctx, contest, city, cut.position, cut.recordedAt, cut.photoTps), position: cut.position };
  }

  async kelurahanList(asOf: Date, contest = this.ctx.contests.defaultCode): Promise<AsOfAnswer<KelurahanSummary[]>> {
    const cut = await this.cutAt(asOf);
    const { kelurahan } = await this.replay.totalsAt(cut.n, true);
    return { data: kelurahanViews(this.ctx, contest, kelurahan), position: cut.position };
  }

  /** Events in the replay (for the benchmark and health). */
  get replayedEvents(): number {
    return this.replay.size;
  }

  /** The read models are more than LIVE_LAG events behind the log. */
  private async projectionsBehind(): Promise<boolean> {
    const at = await this.rm.position();
    const pending = await this.store.readAll({ after: at ? positionFromString(at) : 'start', maxCount: LIVE_LAG });
    return pending.length >= LIVE_LAG;
  }

  private async cutAt(asOf: Date) {
    // A moment before the end of what is folded needs nothing new; a later one folds what the log gained first.
    if (!(await this.replay.settles(asOf.getTime()))) await this.replay.catchUp();
    return this.replay.cutAt(asOf.getTime());
  }
}
