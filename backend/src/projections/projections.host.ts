import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { DomainError } from '../http/domain-error.js';
import { REFERENCE_DATA } from '../reference/reference.module.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { ChangeFeed } from './change-feed.js';
import { readCheckpoints } from './checkpoints.js';
import { ProjectionGroup } from './projection-group.js';
import { ProjectionRunner } from './projection-runner.js';
import { createProjections } from './projection-registry.js';
import type { Projection } from './projection.js';
import { rebuildProjections, type RebuildResult } from './rebuild.js';
import { LeaderLease } from './leader-lease.js';
import { builtWithPolicy, recordPolicy } from './policy-setting.js';

/**
 * Owns the runners. With PROJECTIONS on, the node contends for the projection lease (leader-lease.ts) and runs the
 * runners only while it holds it, so any number of nodes can run and exactly one projects; at shutdown the runners
 * stop after their batch commits and the lease is released for a follower.
 */
@Injectable()
export class ProjectionsHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Projections');
  readonly projections: Projection[];
  readonly runners: ProjectionRunner[];
  private readonly group: ProjectionGroup;
  private lease: LeaderLease | null = null;

  constructor(
    private readonly ds: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(REFERENCE_DATA) ref: ReferenceData,
    @Inject(APP_CONFIG)
    private readonly config: Pick<
      RuntimeConfig,
      'PROJECTIONS' | 'PROJECTION_GATHER_MS' | 'databaseUrl' | 'FLAGGED_TALLIES' | 'REBUILD_MEMORY_LIMIT'
    >,
    private readonly feed: ChangeFeed,
  ) {
    this.projections = createProjections(ref, { flaggedTallies: config.FLAGGED_TALLIES });
    this.runners = this.projections.map(
      (p) =>
        new ProjectionRunner(ds, store, p, {
          onCommitted: (at, effect, oldest) => feed.committed(p.name, at, effect, oldest),
        }),
    );
    // One subscription feeds every runner: each event is read from the store once, not once per projection.
    this.group = new ProjectionGroup(ds, store, this.runners, {
      gatherMs: config.PROJECTION_GATHER_MS,
      logger: { log: (m) => this.logger.log(m), error: (m) => this.logger.error(m) },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.PROJECTIONS) {
      this.logger.warn('PROJECTIONS=false: this instance serves reads but does not run the projections');
      return;
    }
    this.lease = new LeaderLease({
      connectionString: this.config.databaseUrl,
      onAcquired: () => this.startRunners(),
      onLost: () => this.stopRunners(),
      log: (m) => this.logger.log(m),
    });
    this.lease.start();
  }

  /** True while this node holds the projection lease and runs the runners. */
  get leading(): boolean {
    return this.lease?.isLeader ?? false;
  }

  async onModuleDestroy(): Promise<void> {
    // Before the store and the database close (their hooks run at application shutdown, after this one).
    await this.stopRunners();
    await this.lease?.stop();
    this.feed.complete();
  }

  private async startRunners(): Promise<void> {
    const cps = await readCheckpoints(
      this.ds,
      this.projections.map((p) => p.name),
    );
    for (const r of this.runners) this.feed.track(r.projection.name, cps.get(r.projection.name)?.position ?? null);
    await this.group.start();
    // Not awaited: the rebuild replays the log while the runners keep serving, then switches the tables over.
    void this.settlePolicy(cps.get('tps-status')?.position ?? null)
      .catch((e: unknown) => this.logger.error(`FLAGGED_TALLIES rebuild failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => this.settled());
  }

  private settled: () => void = () => undefined;
  /** Resolves once this node, leading for the first time, has applied a FLAGGED_TALLIES change (tests wait on it). */
  readonly settling = new Promise<void>((resolve) => (this.settled = resolve));

  /** A log projected under another FLAGGED_TALLIES is rebuilt once; an empty read model just follows the new one. */
  private async settlePolicy(projectedTo: unknown): Promise<void> {
    const want = this.config.FLAGGED_TALLIES;
    const had = await builtWithPolicy(this.ds);
    if (had !== want && projectedTo !== null) {
      this.logger.warn(`FLAGGED_TALLIES changed from ${had} to ${want}: rebuilding tps-status so every TPS follows it`);
      await this.rebuild('tps-status');
    }
    if (had !== want || projectedTo === null) await recordPolicy(this.ds, want);
  }

  private async stopRunners(): Promise<void> {
    await this.group.stop();
  }

  /** Rebuilds one projection (or all, over one read of the log) from position zero; the live runners keep going meanwhile. */
  async rebuild(name?: string): Promise<RebuildResult[]> {
    const chosen = name ? this.projections.filter((p) => p.name === name) : this.projections;
    if (chosen.length === 0) {
      throw new DomainError('PROJECTION.UNKNOWN', 404, `no projection named ${name}`, { known: this.projections.map((p) => p.name) });
    }
    this.logger.log(`rebuilding ${chosen.map((p) => p.name).join(', ')} from position zero`);
    const results = await rebuildProjections(this.ds, this.store, chosen, { memoryLimit: this.config.REBUILD_MEMORY_LIMIT });
    if (chosen.some((p) => p.name === 'tps-status')) await recordPolicy(this.ds, this.config.FLAGGED_TALLIES);
    for (const r of results) this.logger.log(`rebuilt ${r.name}: ${r.eventsApplied} events in ${r.ms} ms, now at ${r.position}`);
    return results;
  }
}
