import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { DomainError } from '../http/domain-error.js';
import { REFERENCE_DATA } from '../reference/reference.module.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { ChangeFeed } from './change-feed.js';
import { readCheckpoints } from './checkpoints.js';
import { ProjectionRunner } from './projection-runner.js';
import { createProjections } from './projection-registry.js';
import type { Projection } from './projection.js';
import { rebuildProjection, type RebuildResult } from './rebuild.js';

/** Owns the runners: starts them at bootstrap (unless PROJECTIONS=false), stops them after their batch at shutdown. */
@Injectable()
export class ProjectionsHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Projections');
  readonly projections: Projection[];
  readonly runners: ProjectionRunner[];

  constructor(
    private readonly ds: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(REFERENCE_DATA) ref: ReferenceData,
    @Inject(APP_CONFIG) private readonly config: Pick<RuntimeConfig, 'PROJECTIONS'>,
    private readonly feed: ChangeFeed,
  ) {
    this.projections = createProjections(ref);
    this.runners = this.projections.map(
      (p) =>
        new ProjectionRunner(ds, store, p, {
          onCommitted: (at, effect) => feed.committed(p.name, at, effect),
          logger: { log: (m) => this.logger.log(m), error: (m) => this.logger.error(m) },
        }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.PROJECTIONS) {
      this.logger.warn('PROJECTIONS=false: this instance serves reads but does not run the projections');
      return;
    }
    const cps = await readCheckpoints(
      this.ds,
      this.projections.map((p) => p.name),
    );
    for (const r of this.runners) {
      this.feed.track(r.projection.name, cps.get(r.projection.name)?.position ?? null);
      r.start();
    }
  }

  async onModuleDestroy(): Promise<void> {
    // Before the store and the database close (their hooks run at application shutdown, after this one).
    await Promise.all(this.runners.map((r) => r.stop()));
    this.feed.complete();
  }

  /** Rebuilds one projection (or all, one after another) from position zero; the live runners keep going meanwhile. */
  async rebuild(name?: string): Promise<RebuildResult[]> {
    const chosen = name ? this.projections.filter((p) => p.name === name) : this.projections;
    if (chosen.length === 0) {
      throw new DomainError('PROJECTION.UNKNOWN', 404, `no projection named ${name}`, { known: this.projections.map((p) => p.name) });
    }
    const results: RebuildResult[] = [];
    for (const p of chosen) {
      this.logger.log(`rebuilding ${p.name} from position zero`);
      const result = await rebuildProjection(this.ds, this.store, p);
      this.logger.log(`rebuilt ${p.name}: ${result.eventsApplied} events in ${result.ms} ms, now at ${result.position}`);
      results.push(result);
    }
    return results;
  }
}
