/**
 * The event store port: the one narrow interface every other module uses to keep and read events.
 * Two adapters implement it side by side (PostgreSQL, the embedded default; EventStoreDB, production) and both pass
 * the same contract suite (`testing/event-store.contract.ts`).
 */
import type { Position } from './position.js';

export const EVENT_STORE = Symbol('EVENT_STORE');

/** Like EventStoreDB: revisions count from 0; `no_stream` = the stream must not exist yet. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

/** Who did it, through which request, and when. Set by the application; the store keeps it verbatim. */
export interface EventMetadata {
  actor: string;
  role: string;
  correlationId: string;
  causationId?: string | null;
  /** Time the client says the thing happened (ISO 8601), when it says so. */
  clientTime?: string | null;
  /** Time the server accepted the command (ISO 8601). */
  serverTime: string;
  [extra: string]: unknown;
}

export interface NewEvent<T extends string = string, D = Record<string, unknown>> {
  /** UUID chosen by the caller; re-appending an id the stream already holds is a no-op (idempotent retries). */
  id: string;
  type: T;
  data: D;
  metadata: EventMetadata;
}

export interface RecordedEvent<T extends string = string, D = Record<string, unknown>> {
  id: string;
  stream: string;
  revision: bigint;
  position: Position;
  type: T;
  data: D;
  metadata: EventMetadata;
  /** When the store recorded it. */
  recordedAt: Date;
}

export interface AppendResult {
  /** Revision of the last event of this append (the stream's new revision). */
  nextExpectedRevision: bigint;
  /** Global position of the last event of this append. */
  position: Position;
  /**
   * True when this call wrote the events, false when they were all stored already (an idempotent re-append, answered
   * with the original result). Undefined when the adapter cannot tell: callers must then assume either.
   */
  written?: boolean;
}

export interface ReadStreamOptions {
  /** Forwards: first revision to read (default 0). Backwards: last revision to read (default: the end). */
  fromRevision?: bigint;
  direction?: 'forwards' | 'backwards';
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive start: events strictly after this position (forwards) or strictly before it (backwards). */
  after?: Position | 'start' | 'end';
  direction?: 'forwards' | 'backwards';
  maxCount?: number;
}

export type SubscriptionMessage =
  | { kind: 'events'; events: RecordedEvent[] }
  /** Sent once, when the subscription has delivered everything that existed when it started and goes live. */
  | { kind: 'caught-up'; position: Position | null };

export interface SubscribeOptions {
  /** Exclusive checkpoint: deliver events strictly after it ('start' = from the first event). */
  after: Position | 'start';
  /** Most events per delivered batch. */
  batchSize?: number;
  /** Aborting ends the iteration. */
  signal?: AbortSignal;
}

/**
 * What an adapter knows about events committed but not yet readable (the PostgreSQL store's xmin rule holds events
 * back while an older transaction of the cluster is open). EventStoreDB has no such state and does not implement it.
 */
export interface LogVisibility {
  /** Committed events readers cannot see yet (counted up to a cap, then `hiddenCapped`). */
  hiddenEvents: number;
  hiddenCapped: boolean;
  /** The oldest transaction holding an xid anywhere in the cluster (the one holding events back), if any is visible. */
  oldestXidTransaction: {
    pid: number | null;
    database: string | null;
    application: string | null;
    /** pg_stat_activity state: 'active', 'idle in transaction', ... ('prepared' for a prepared transaction). */
    state: string | null;
    /** Seconds since the transaction began. */
    seconds: number;
  } | null;
}

export interface EventStore {
  /** Which adapter this is, for health and logs ('postgres' | 'eventstoredb'). */
  readonly kind: string;

  /**
   * Appends atomically. Throws WrongExpectedRevisionError on a conflict. If every event id of the batch is already in
   * the stream, nothing is written and the original result is returned.
   */
  appendToStream(stream: string, events: NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult>;

  /** Events of one stream; an empty array when the stream does not exist. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** Events of the global log in commit order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;

  /** Position of the newest event in the global log, or null when the log is empty. */
  headPosition(): Promise<Position | null>;

  /**
   * Catch-up subscription to the global log: first every event after the checkpoint, then a `caught-up` message, then
   * new events as they commit, in position order, never skipping one that committed late.
   */
  subscribeToAll(options: SubscribeOptions): AsyncIterable<SubscriptionMessage>;

  /** Events committed but hidden from readers, and what hides them; absent where commits are visible at once. */
  visibility?(): Promise<LogVisibility>;

  /** Cheap round trip for health checks; throws when the store is unusable. */
  ping(): Promise<void>;

  close(): Promise<void>;
}
