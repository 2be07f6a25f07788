/**
 * Group commit for the PostgreSQL store (docs/event-store.md, "Group commit"): concurrent appends are gathered (at
 * most `windowMs`, at most `maxBatch` requests; GroupCommitter says when a group goes) and written by ONE statement (`es.append_batch`, migration 1700000000090), so
 * one transaction and one commit flush serve them all. Each caller is answered from its own outcome row, and only
 * after the statement (its commit included) returned: a success is durable. A conflict or replay concerns its own
 * request only. Anything else that makes the statement fail rolls the whole batch back (nothing of it is stored):
 * unavailability fails every caller of the batch with that error; any other error sends each request through the
 * single-append path on its own, so an error stays with the request that causes it.
 */
import type { AppendResult, ExpectedRevision, NewEvent } from '../event-store.port.js';
import { position } from '../position.js';

export interface AppendRequest {
  stream: string;
  events: NewEvent[];
  expected: ExpectedRevision;
}

export interface BatchRow {
  req: number;
  outcome: 'written' | 'replayed' | 'conflict';
  revision: string | null;
  global_id: string | null;
  transaction_id: string | null;
}

/** What one request of a batch came to: a result, or its stream's actual revision after a conflict. */
export type BatchOutcome = { kind: 'done'; result: AppendResult } | { kind: 'conflict'; actual: bigint | 'no_stream' };

export interface Pending extends AppendRequest {
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

export const APPEND_BATCH_SQL = `SELECT req, outcome, revision, global_id, transaction_id FROM es.append_batch($1::jsonb)`;

/** The statement's one parameter: the requests, in order. */
export function batchParam(requests: AppendRequest[]): string {
  return JSON.stringify(
    requests.map(({ stream, events, expected }) => ({
      s: stream,
      x: typeof expected === 'bigint' ? 'rev' : expected,
      r: typeof expected === 'bigint' ? expected.toString() : null,
      e: events.map(({ id, type, data, metadata }) => ({ id, type, data, metadata })),
    })),
  );
}

export function toOutcome(row: BatchRow): BatchOutcome {
  if (row.outcome === 'conflict') return { kind: 'conflict', actual: row.revision === null ? 'no_stream' : BigInt(row.revision) };
  return {
    kind: 'done',
    result: {
      nextExpectedRevision: BigInt(row.revision!),
      position: position(BigInt(row.transaction_id!), BigInt(row.global_id!)),
      written: row.outcome === 'written',
    },
  };
}

/**
 * Gathers requests and hands each group to `write`, which settles every request of it. When is a group written:
 * - no group in flight: at the end of the current turn of the event loop (`setImmediate`), so what arrived together
 *   (one tick, one poll of the sockets) goes together and an idle store adds no wait;
 * - a group in flight: when it finishes (what gathered meanwhile goes next: the natural batching of a busy writer), or
 *   after `windowMs`, whichever comes first; a group that takes longer than the window does not hold back the next;
 * - at once when it holds `maxBatch` requests.
 * A request never waits more than `windowMs` for its group to be sent.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly write: (batch: Pending[]) => Promise<void>,
    private readonly windowMs: number,
    private readonly maxBatch: number,
  ) {}

  submit(request: AppendRequest): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ ...request, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else if (this.inFlight.size === 0) this.immediate ??= setImmediate(() => this.flush());
      else this.timer ??= setTimeout(() => this.flush(), this.windowMs);
    });
  }

  /** Writes what is queued now and waits for every group in flight (for close). */
  async drain(): Promise<void> {
    this.flush();
    await Promise.all([...this.inFlight]);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    const running = this.write(batch).catch((e: unknown) => {
      for (const p of batch) p.reject(e); // settling twice is a no-op: only the unsettled ones see this
    });
    this.inFlight.add(running);
    void running.finally(() => {
      this.inFlight.delete(running);
      // What gathered while this group was in flight goes now, not at the end of its window.
      if (this.queue.length > 0) this.immediate ??= setImmediate(() => this.flush());
    });
  }
}
