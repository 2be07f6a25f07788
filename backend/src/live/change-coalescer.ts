import type { ProjectionChange } from '../projections/read-models.port.js';
import { comparePositionStrings } from './live.contract.js';

/** Union of two changes: ids merged, the newer position kept. */
export function mergeChanges(a: ProjectionChange | null, b: ProjectionChange): ProjectionChange {
  if (!a)
    return {
      ...b,
      tpsIds: [...new Set(b.tpsIds)],
      kelurahanCodes: [...new Set(b.kelurahanCodes)],
      incidentIds: [...new Set(b.incidentIds)],
      ...(b.messageIds ? { messageIds: [...new Set(b.messageIds)] } : {}),
    };
  return {
    position: comparePositionStrings(a.position, b.position) >= 0 ? a.position : b.position,
    tpsIds: [...new Set([...a.tpsIds, ...b.tpsIds])],
    kelurahanCodes: [...new Set([...a.kelurahanCodes, ...b.kelurahanCodes])],
    incidentIds: [...new Set([...a.incidentIds, ...b.incidentIds])],
    coverageChanged: a.coverageChanged || b.coverageChanged,
    ...(a.messageIds || b.messageIds ? { messageIds: [...new Set([...(a.messageIds ?? []), ...(b.messageIds ?? [])])] } : {}),
    committedAt:
      a.committedAt === undefined ? b.committedAt : b.committedAt === undefined ? a.committedAt : Math.min(a.committedAt, b.committedAt),
  };
}

export interface CoalescerOptions {
  tickMs: number;
  /** Wait after a failed flush before retrying the same (re-merged) change. */
  retryMs: number;
  onError: (e: unknown) => void;
}

/**
 * Collects committed changes and flushes their union at most once per tick, one flush at a time. While a flush
 * loads and emits, new changes pile up in `pending` and go out together in the next one: under a burst the number of
 * flushes stays bounded by the tick, never by the write rate, and the last change always gets a flush after it.
 */
export class ChangeCoalescer {
  private pending: ProjectionChange | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly flush: (take: () => ProjectionChange | null) => Promise<void>,
    private readonly opts: CoalescerOptions,
  ) {}

  add(change: ProjectionChange): void {
    if (this.stopped) return;
    this.pending = mergeChanges(this.pending, change);
    this.schedule(this.opts.tickMs);
  }

  /** Resolves once the flush in progress (if any) is done; nothing is flushed afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.timer || this.running || this.stopped || !this.pending) return;
    this.timer = setTimeout(() => this.run(), delay);
  }

  private run(): void {
    this.timer = null;
    let taken: ProjectionChange | null = null;
    // The flusher decides when to take the pending change (after reading the position it will stamp), so a change
    // committed before that read is never left behind for a later, higher-stamped flush.
    const take = () => {
      taken = this.pending;
      this.pending = null;
      return taken;
    };
    let delay = this.opts.tickMs;
    this.running = this.flush(take)
      .catch((e: unknown) => {
        this.opts.onError(e);
        if (taken) this.pending = this.pending ? mergeChanges(taken, this.pending) : taken;
        delay = this.opts.retryMs;
      })
      .finally(() => {
        this.running = null;
        this.schedule(delay);
      });
  }
}
