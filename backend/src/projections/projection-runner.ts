/**
 * Runs one projection: subscribes to the global log from its checkpoint and applies each delivered batch in one
 * PostgreSQL transaction that also moves the checkpoint. A crash before commit leaves both untouched (the batch is
 * delivered again after restart); events at or before the checkpoint are dropped, so a batch delivered twice changes
 * nothing. Works over any EventStore: positions are only compared, never interpreted.
 */
import { projectionBatchDuration } from '../metrics/metrics.js';
import type { DataSource, QueryRunner } from 'typeorm';
import type { EventStore, RecordedEvent } from '../event-store/event-store.port.js';
import { comparePositions, type Position } from '../event-store/position.js';
import { advanceCheckpoint, lockCheckpoint, readCheckpoint } from './checkpoints.js';
import { handledBy, NO_EFFECT, type BatchEffect, type Projection } from './projection.js';

export interface RunnerLogger {
  log(message: string): void;
  error(message: string): void;
}

export interface RunnerOptions {
  batchSize?: number;
  /** Defaults to the projection's name; a rebuild uses its own. */
  checkpointName?: string;
  /** Defaults to `public`; a rebuild writes into `proj_rebuild`. */
  schema?: string;
  /** Called after a batch committed (never before, never for a rolled-back batch). */
  onCommitted?: (position: Position, effect: BatchEffect, oldestRecordedAt?: Date) => void;
  /** Runs inside the batch transaction right before commit: tests use it to crash mid-batch. */
  beforeCommit?: (tx: QueryRunner, events: RecordedEvent[]) => Promise<void>;
  retryDelayMs?: number;
  /**
   * After a live batch smaller than `batchSize`, wait this long before reading the next one: under load the events
   * written meanwhile then go into one transaction instead of one each (each costs about ten round trips). In a quiet
   * moment it only delays an event that arrives during the wait, by at most this much. 0 = read again at once.
   */
  gatherMs?: number;
  logger?: RunnerLogger;
}

export interface AppliedBatch {
  position: Position;
  effect: BatchEffect;
  applied: number;
}

const silent: RunnerLogger = { log: () => undefined, error: () => undefined };

export class ProjectionRunner {
  readonly checkpointName: string;
  readonly schema: string;
  private abort = new AbortController();
  private loop: Promise<void> | null = null;
  /** True once the subscription delivered everything that existed when it started. */
  caughtUp = false;

  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    readonly projection: Projection,
    private readonly opts: RunnerOptions = {},
  ) {
    this.checkpointName = opts.checkpointName ?? projection.name;
    this.schema = opts.schema ?? 'public';
  }

  /** Applies a batch in its own transaction; null when every event was already applied. */
  async applyBatch(events: RecordedEvent[]): Promise<AppliedBatch | null> {
    const tx = this.ds.createQueryRunner();
    await tx.connect();
    const timed = projectionBatchDuration.startTimer({ projection: this.projection.name });
    let result: AppliedBatch | null;
    try {
      await tx.startTransaction(); // READ COMMITTED: the session default (data-source.ts)
      result = await this.applyInTransaction(tx, events);
      if (result && this.opts.beforeCommit) await this.opts.beforeCommit(tx, events);
      if (result) await tx.commitTransaction();
      else await tx.rollbackTransaction();
    } catch (e) {
      if (tx.isTransactionActive) await tx.rollbackTransaction().catch(() => undefined);
      throw e;
    } finally {
      await tx.release();
      timed();
    }
    if (result) this.opts.onCommitted?.(result.position, result.effect, events[0]?.recordedAt);
    return result;
  }

  /** The batch's work inside a transaction the caller owns (the rebuild's switch-over uses it). */
  async applyInTransaction(tx: QueryRunner, events: RecordedEvent[]): Promise<AppliedBatch | null> {
    // 1. Lock the checkpoint: from here on this transaction is the projection's only writer.
    const checkpoint = await lockCheckpoint(tx, this.checkpointName);
    // 2. Drop what is already applied (redelivery after a crash, a second instance, a rebuild that moved ahead).
    const fresh = events.filter((e) => checkpoint === null || comparePositions(e.position, checkpoint) > 0);
    if (fresh.length === 0) return null;
    // 3. Fold the events this projection handles into its tables; the rest only move the checkpoint.
    const mine = handledBy(this.projection, fresh);
    const effect = mine.length > 0 ? await this.projection.apply({ tx, schema: this.schema }, mine) : NO_EFFECT;
    // 4. Move the checkpoint in the same transaction.
    const last = fresh[fresh.length - 1];
    await advanceCheckpoint(tx, this.checkpointName, last.position, last.recordedAt, fresh.length);
    return { position: last.position, effect, applied: fresh.length };
  }

  /**
   * Reads and applies everything after the checkpoint up to the head of the log; with `until`, keeps polling until the
   * checkpoint has reached it. (The PostgreSQL store shows an event only once every older transaction of the cluster
   * has ended, so "nothing more to read" does not yet mean "everything written is applied".) Returns events applied.
   */
  async catchUp(until?: Position, timeoutMs = 10_000): Promise<number> {
    const batchSize = this.opts.batchSize ?? 500;
    const deadline = Date.now() + timeoutMs;
    let total = 0;
    for (;;) {
      const cp = (await readCheckpoint(this.ds, this.checkpointName))?.position ?? null;
      const events = await this.store.readAll({ after: cp ?? 'start', maxCount: batchSize });
      if (events.length > 0) {
        total += (await this.applyBatch(events))?.applied ?? 0;
        continue;
      }
      if (!until || (cp && comparePositions(cp, until) >= 0)) return total;
      if (Date.now() > deadline)
        throw new Error(`${this.projection.name} did not reach ${until.commit}/${until.prepare} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Starts following the log in the background. */
  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
  }

  /** Stops after the batch in progress has committed. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.loop = null;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const log = this.opts.logger ?? silent;
    let delay = this.opts.retryDelayMs ?? 500;
    while (!signal.aborted) {
      try {
        const cp = (await readCheckpoint(this.ds, this.checkpointName))?.position ?? null;
        const batchSize = this.opts.batchSize ?? 500;
        const messages = this.store.subscribeToAll({ after: cp ?? 'start', batchSize, signal });
        for await (const msg of messages) {
          // The batch in hand is applied even when a stop was asked meanwhile: stopping must not strand a batch halfway.
          if (msg.kind === 'events') {
            await this.applyBatch(msg.events);
            // Not pulling the next message is what lets the subscription's next read gather more events.
            const gather = this.opts.gatherMs ?? 0;
            if (this.caughtUp && gather > 0 && msg.events.length < batchSize) await sleep(gather, signal);
          } else if (!this.caughtUp) {
            this.caughtUp = true;
            log.log(`${this.projection.name} caught up with the log`);
          }
          delay = this.opts.retryDelayMs ?? 500;
          if (signal.aborted) break;
        }
        // The subscription ended without a stop (store closed or restarted): pause before subscribing again.
        if (!signal.aborted) await sleep(delay, signal);
      } catch (e) {
        if (signal.aborted) break;
        // Never skip a batch that failed: retry from the checkpoint; the lag shows on /api/health meanwhile.
        log.error(`${this.projection.name}: ${e instanceof Error ? e.message : String(e)}; retrying in ${delay} ms`);
        await sleep(delay, signal);
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }
}

/** Resolves after `ms`, or at once on abort. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
