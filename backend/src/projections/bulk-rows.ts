/**
 * A bulk fold for projections that only add one row per event (audit anchors, corrections): nothing is gained by
 * holding their rows (no row is written twice), so they are COPYed into the copy as soon as a write's worth
 * (`writeRows`) waits, while the log is still being read and folded.
 */
import type { QueryRunner } from 'typeorm';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { chunks, copyObjects } from './copy-rows.js';
import { table, type BulkContext, type BulkFold, type BulkWrite } from './projection.js';

export class RowsBulk implements BulkFold {
  private pending: object[] = [];

  constructor(
    private readonly ctx: BulkContext,
    private readonly tableName: string,
    /** The rows of the next events (in log order; it may keep state across pages, as the anchors' chain head). */
    private readonly rowsOf: (events: RecordedEvent[]) => object[],
    /** Runs at the end, once every row is in (the anchors' check against the live ones). */
    private readonly check?: (tx: QueryRunner) => Promise<void>,
  ) {}

  get full(): boolean {
    return this.pending.length >= this.ctx.writeRows;
  }

  async fold(events: RecordedEvent[]): Promise<void> {
    for (const row of this.rowsOf(events)) this.pending.push(row);
  }

  flush(): BulkWrite[] {
    const target = table(this.ctx.schema, this.tableName);
    const writes: BulkWrite[] = chunks(this.pending, this.ctx.writeRows).map((rows) => ({
      rows: rows.length,
      run: (tx) => copyObjects(tx, target, rows),
    }));
    this.pending = [];
    return writes;
  }

  async finish(tx: QueryRunner): Promise<void> {
    await this.check?.(tx);
  }
}
