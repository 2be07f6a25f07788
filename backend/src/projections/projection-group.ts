/**
 * Runs several projections over one subscription to the log instead of one each: every event is read from the store
 * once, not once per projection. Each delivered batch goes to every runner, which applies it in its own transaction
 * (side by side, and each still drops what its checkpoint already covers), and the next batch is read once they have
 * all finished. A runner whose batch failed makes the group wait and resubscribe from the lowest checkpoint; the
 * others skip what they already applied, so nothing is skipped and nothing is applied twice.
 */
import type { DataSource } from 'typeorm';
import type { EventStore, RecordedEvent } from '../event-store/event-store.port.js';
import { comparePositions, type Position } from '../event-store/position.js';
import { readCheckpoints } from './checkpoints.js';
import { sleep, type ProjectionRunner, type RunnerLogger } from './projection-runner.js';

export interface GroupOptions {
  /** Events per batch once every runner has caught up (default 500). */
  batchSize?: number;
  /**
   * Events per batch while any runner is behind (a start after a pause, a new node taking the lease; default
   * CATCH_UP_BATCH): each batch costs every projection a transaction and a load and a write of the rows it touches, so
   * large batches catch up faster. A batch holds an xid while it runs and the PostgreSQL store shows nothing committed
   * meanwhile (docs/event-store.md), so once caught up the group resubscribes with the live size.
   */
  catchUpBatchSize?: number;
  /** As RunnerOptions.gatherMs: the pause after a live batch that lets the next read carry more events. */
  gatherMs?: number;
  retryDelayMs?: number;
  logger?: RunnerLogger;
}

/** As the rebuild's fold (REBUILD_FOLD, rebuild.ts): the size measured to hide live events for at most about 0.6 s. */
export const CATCH_UP_BATCH = 2_000;

export class ProjectionGroup {
  private abort = new AbortController();
  private loop: Promise<void> | null = null;
  /** Set while a stop waits for the batch in progress; a start meanwhile waits for it (else it would find the old loop). */
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    private readonly runners: ProjectionRunner[],
    private readonly opts: GroupOptions = {},
  ) {}

  /** Starts the loop; if a stop is still waiting for its batch, starts once that stop is done. */
  async start(): Promise<void> {
    while (this.stopping) await this.stopping;
    if (this.loop) return;
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
  }

  get running(): boolean {
    return this.loop !== null && this.stopping === null;
  }

  /** Stops after the batch in progress has committed in every runner. */
  async stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    const loop = this.loop;
    if (!loop) return;
    this.abort.abort();
    this.stopping = loop.finally(() => {
      this.loop = null;
      this.stopping = null;
    });
    return this.stopping;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const log = this.opts.logger ?? { log: () => undefined, error: () => undefined };
    const batchSize = this.opts.batchSize ?? 500;
    const retry = this.opts.retryDelayMs ?? 500;
    let delay = retry;
    while (!signal.aborted) {
      try {
        const cps = await readCheckpoints(
          this.ds,
          this.runners.map((r) => r.checkpointName),
        );
        // Where each runner stands, so a batch it already has costs it nothing (not even a transaction).
        const reached = this.runners.map((r) => cps.get(r.checkpointName)?.position ?? null);
        const from = reached.includes(null) ? null : reached.reduce((a, b) => (comparePositions(a!, b!) <= 0 ? a : b));
        const live = this.runners.every((r) => r.caughtUp);
        const size = live ? batchSize : (this.opts.catchUpBatchSize ?? CATCH_UP_BATCH);
        let resubscribe = false;
        for await (const msg of this.store.subscribeToAll({ after: from ?? 'start', batchSize: size, signal })) {
          if (msg.kind === 'events') {
            // Every batch in hand is applied even when a stop was asked meanwhile, as a single runner does.
            await this.applyEverywhere(msg.events, reached);
            const gather = this.opts.gatherMs ?? 0;
            if (this.runners.every((r) => r.caughtUp) && gather > 0 && msg.events.length < batchSize) await sleep(gather, signal);
          } else {
            for (const r of this.runners.filter((r) => !r.caughtUp)) {
              r.caughtUp = true;
              log.log(`${r.projection.name} caught up with the log`);
            }
            // Caught up on catch-up batches: again from the checkpoints, with live batches.
            if (size !== batchSize) {
              resubscribe = true;
              break;
            }
          }
          delay = retry;
          if (signal.aborted) break;
        }
        if (!signal.aborted && !resubscribe) await sleep(delay, signal);
      } catch (e) {
        if (signal.aborted) break;
        log.error(`projections: ${e instanceof Error ? e.message : String(e)}; retrying in ${delay} ms`);
        await sleep(delay, signal);
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }

  private async applyEverywhere(events: RecordedEvent[], reached: (Position | null)[]): Promise<void> {
    const last = events[events.length - 1].position;
    const results = await Promise.allSettled(
      this.runners.map(async (r, i) => {
        const at = reached[i];
        if (at && comparePositions(last, at) <= 0) return;
        const applied = await r.applyBatch(events);
        reached[i] = applied?.position ?? at;
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
