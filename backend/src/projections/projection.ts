import type { DataSource, QueryRunner } from 'typeorm';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { positionToString, type Position } from '../event-store/position.js';
import { TPS_STREAM_PREFIX } from '../tps/tps.events.js';

/** Where a batch writes: the live tables (`public`) or a rebuild's shadow copies (`proj_rebuild`). */
export interface BatchContext {
  tx: QueryRunner;
  schema: string;
}

/** What a batch touched, for the live channel (merged into a ProjectionChange after commit). */
export interface BatchEffect {
  tpsIds: string[];
  kelurahanCodes: string[];
  incidentIds: string[];
  coverageChanged: boolean;
  /** Messages to monitors this batch stored or marked read (messages/messages.projection.ts). */
  messageIds?: string[];
}

export const NO_EFFECT: BatchEffect = { tpsIds: [], kelurahanCodes: [], incidentIds: [], coverageChanged: false };

/**
 * A projection: the event types it handles, the tables it owns (copied and swapped whole by a rebuild) and how one
 * batch updates them. The runner calls `apply` inside the transaction that also moves the checkpoint, with only the
 * events the projection handles, in log order, each strictly after the checkpoint.
 */
export interface Projection {
  readonly name: string;
  readonly handles: ReadonlySet<string>;
  readonly tables: readonly string[];
  /** The streams it reads (default the TPS streams, `tps-`). */
  readonly streamPrefix?: string;
  apply(ctx: BatchContext, events: RecordedEvent[]): Promise<BatchEffect>;
  /** A rebuild's faster path into its empty copies (rebuild.ts); without it, a rebuild folds every page with `apply`. */
  bulk?(ctx: BulkContext): BulkFold;
}

export interface BulkContext {
  /** Reads of the copies (what an earlier flush wrote), outside any write transaction. */
  db: DataSource;
  schema: string;
  /** At most this many TPS docs (or the projection's own unit) held in memory before `full` says flush. */
  memoryLimit: number;
  /** Rows per write the flush returns (each is one transaction: the rebuild's fold size). */
  writeRows: number;
}

/** One write of a flush: the work of one short transaction the rebuild opens, and the rows it writes. */
export interface BulkWrite {
  rows: number;
  run(tx: QueryRunner): Promise<void>;
}

/**
 * A rebuild's fold into memory: the rebuild hands it every page (only the events the projection handles, in log order)
 * and, whenever `full` or at the end of the log, takes what it holds out as writes, runs each in its own transaction and
 * at the end moves the copies' checkpoint once. The tables it ends with equal what `apply` builds (tested).
 */
export interface BulkFold {
  fold(events: RecordedEvent[]): Promise<void>;
  readonly full: boolean;
  /**
   * Empties memory into writes of distinct rows (the rebuild runs them side by side); `final` (the end of the log): also
   * what is kept for the whole rebuild.
   */
  flush(final: boolean): BulkWrite[];
  /** Runs at the end, in the transaction that moves the checkpoint, once every write is in (a check may refuse). */
  finish?(tx: QueryRunner): Promise<void>;
}

/** The events of a batch the projection handles (its types, on its streams), in order. */
export function handledBy(projection: Projection, events: RecordedEvent[]): RecordedEvent[] {
  return events.filter((e) => projection.handles.has(e.type) && e.stream.startsWith(projection.streamPrefix ?? TPS_STREAM_PREFIX));
}

/** Runs a query and returns its rows, whatever the statement (TypeORM returns [rows, count] for UPDATE otherwise). */
export async function rows<T>(tx: QueryRunner, sql: string, params: unknown[] = []): Promise<T[]> {
  const result = await tx.query(sql, params, true);
  return (result.records ?? []) as T[];
}

/** Position halves as numeric(20,0) parameters. */
export const posParams = (p: Position) => [p.commit.toString(), p.prepare.toString()];
export { positionToString };

/** Schema names are ours, never input; still, refuse anything but an identifier before splicing it into SQL. */
export function table(schema: string, name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema) || !/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad table ${schema}.${name}`);
  return `${schema}.${name}`;
}

/**
 * Locks tables in one fixed order (sorted by name), in one statement: every transaction that holds more than one of
 * the read-model tables at once takes them through here (the rebuild's switch, the read snapshots), so no two can
 * wait on each other in a cycle. `names` are bare public table names.
 */
export async function lockTables(tx: QueryRunner, names: readonly string[], mode: 'ACCESS SHARE' | 'ACCESS EXCLUSIVE'): Promise<void> {
  const sorted = [...new Set(names)].sort().map((n) => table('public', n));
  await tx.query(`LOCK TABLE ${sorted.join(', ')} IN ${mode} MODE`);
}
