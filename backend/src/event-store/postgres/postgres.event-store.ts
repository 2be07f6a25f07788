/**
 * The PostgreSQL event store: the embedded default. Plain SQL over a pg pool; schema from the migrations (never created
 * here). Guarantees and the reasoning behind them: docs/event-store.md.
 */
import pg from 'pg';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  LogVisibility,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionMessage,
} from '../event-store.port.js';
import { WrongExpectedRevisionError } from '../event-store.errors.js';
import { comparePositions, position, type Position } from '../position.js';
import { APPEND_BATCH_SQL, batchParam, GroupCommitter, toOutcome, type BatchRow, type Pending } from './group-commit.js';
import { isUnavailable, mapPgError } from './pg-errors.js';
import * as sql from './sql.js';
import { logVisibility } from './visibility.js';
import { WakeUps } from './wake-ups.js';

export interface PostgresEventStoreOptions {
  connectionString: string;
  poolSize?: number;
  /** Live subscribers re-read at least this often, NOTIFY or not (a late commit becomes visible only when xmin moves). */
  pollIntervalMs?: number;
  /** Bounds every statement (server side) and connection attempt. */
  statementTimeoutMs?: number;
  /** Group commit window (docs/event-store.md): concurrent appends wait at most this long to share one commit; 0 = off. */
  groupCommitMs?: number;
  /** A group is written as soon as it holds this many appends. */
  groupCommitMax?: number;
}

export const DEFAULT_GROUP_COMMIT_MS = 2;
export const DEFAULT_GROUP_COMMIT_MAX = 100;

const DEFAULT_BATCH = 500;
const MIN_RETRY_MS = 5;
const MAX_RETRY_MS = 1000;
// A claim can fail because a concurrent append changed the stream between the attempt and the check; retry those.
const APPEND_ATTEMPTS = 3;
const IDLE_IN_TRANSACTION_MS = 15_000;

export class PostgresEventStore implements EventStore {
  readonly kind = 'postgres';
  private closed = false;
  private readonly group: GroupCommitter | null;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly wakeUps: WakeUps,
    private readonly pollIntervalMs: number,
    groupCommitMs: number,
    groupCommitMax: number,
  ) {
    this.group =
      groupCommitMs > 0 && groupCommitMax > 1 ? new GroupCommitter((b) => this.writeGroup(b), groupCommitMs, groupCommitMax) : null;
  }

  /** Opens the pool and checks one round trip. Does not migrate: the schema comes from the migrations. */
  static async connect(opts: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const timeout = opts.statementTimeoutMs ?? 5000;
    const config: pg.ClientConfig = {
      connectionString: opts.connectionString,
      statement_timeout: timeout,
      // The client-side bound for when the server cannot even answer with a statement_timeout error.
      query_timeout: timeout + 2000,
      connectionTimeoutMillis: timeout,
      // A successful append must mean committed and flushed, whatever the server default says.
      // idle_in_transaction_session_timeout: this pool never leaves a transaction open (each append is one
      // statement), so any that is left idle is a bug or a frozen process, and it would hide every later event.
      options: `-c synchronous_commit=on -c idle_in_transaction_session_timeout=${IDLE_IN_TRANSACTION_MS}`,
      application_name: 'event-store',
    };
    const pool = new pg.Pool({ ...config, max: opts.poolSize ?? 10 });
    // An idle client losing its connection must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    const store = new PostgresEventStore(
      pool,
      new WakeUps(pool, config),
      opts.pollIntervalMs ?? 250,
      opts.groupCommitMs ?? DEFAULT_GROUP_COMMIT_MS,
      opts.groupCommitMax ?? DEFAULT_GROUP_COMMIT_MAX,
    );
    try {
      await store.ping();
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
    return store;
  }

  async appendToStream(stream: string, events: NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    const expected = options.expectedRevision;
    if (events.length === 0) throw new Error('appendToStream needs at least one event');
    if (new Set(events.map((e) => e.id.toLowerCase())).size !== events.length) throw new Error('duplicate event ids in one append');
    if (this.group && !this.closed) return this.group.submit({ stream, events, expected });
    return this.appendAlone(stream, events, expected);
  }

  /**
   * One group in one statement (group-commit.ts). Settles every request of it: from its own outcome row, or, when the
   * statement failed (and so stored nothing), with the unavailability error or each through appendAlone.
   */
  private async writeGroup(batch: Pending[]): Promise<void> {
    let rows: BatchRow[];
    try {
      rows = (await this.pool.query<BatchRow>(APPEND_BATCH_SQL, [batchParam(batch)])).rows;
    } catch (e) {
      if (isUnavailable(e)) throw mapPgError(e, 'appending a group');
      await Promise.all(batch.map((p) => this.appendAlone(p.stream, p.events, p.expected).then(p.resolve, p.reject)));
      return;
    }
    for (const row of rows) {
      const p = batch[row.req - 1];
      const outcome = toOutcome(row);
      if (outcome.kind === 'done') {
        if (outcome.result.written) this.wakeUps.notify(outcome.result.position);
        p.resolve(outcome.result);
      } else if (satisfies(p.expected, outcome.actual)) {
        // Cannot happen under the batch's stream locks; the single path decides it with its own retries.
        this.appendAlone(p.stream, p.events, p.expected).then(p.resolve, p.reject);
      } else {
        p.reject(new WrongExpectedRevisionError(p.stream, p.expected, outcome.actual));
      }
    }
    if (rows.length !== batch.length) throw new Error(`append_batch answered ${rows.length} of ${batch.length} requests`);
  }

  /** One append, one statement of its own (group commit off, or a group that failed on one request's input). */
  private async appendAlone(stream: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const batch = JSON.stringify(events.map(({ id, type, data, metadata }) => ({ id, type, data, metadata })));
    const params: unknown[] = [stream, String(events.length), batch];
    if (typeof expected === 'bigint') params.push(expected.toString());
    for (let attempt = 1; ; attempt++) {
      try {
        const { rows } = await this.query<{ revision: string; global_id: string; transaction_id: string }>(
          'appending',
          sql.appendSql(expected),
          params,
        );
        if (rows.length > 0) {
          const last = rows.reduce((a, b) => (BigInt(a.revision) > BigInt(b.revision) ? a : b));
          const result = {
            nextExpectedRevision: BigInt(last.revision),
            position: position(BigInt(last.transaction_id), BigInt(last.global_id)),
            written: true,
          };
          this.wakeUps.notify(result.position);
          return result;
        }
      } catch (e) {
        // A repeated event id: maybe a retry of an append that already succeeded; decided below.
        if (!isDuplicateEventId(e)) throw e;
      }
      const outcome = await this.afterFailedClaim(stream, events, expected);
      if (outcome !== 'retry') return outcome;
      if (attempt >= APPEND_ATTEMPTS) throw new WrongExpectedRevisionError(stream, expected, await this.currentRevision(stream));
    }
  }

  /** The batch is already in the stream (return the original result), the stream conflicts (throw), or it changed meanwhile. */
  private async afterFailedClaim(stream: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult | 'retry'> {
    const { rows } = await this.query<{ event_id: string; revision: string; global_id: string; transaction_id: string }>(
      'checking an append',
      sql.EXISTING_IDS_SQL,
      [stream, events.map((e) => e.id)],
    );
    const lastId = events[events.length - 1].id.toLowerCase();
    const last = rows.find((r) => r.event_id === lastId);
    if (rows.length === events.length && last) {
      return {
        nextExpectedRevision: BigInt(last.revision),
        position: position(BigInt(last.transaction_id), BigInt(last.global_id)),
        written: false,
      };
    }
    const actual = await this.currentRevision(stream);
    if (rows.length === 0 && satisfies(expected, actual)) return 'retry';
    throw new WrongExpectedRevisionError(stream, expected, actual);
  }

  private async currentRevision(stream: string): Promise<bigint | 'no_stream'> {
    const { rows } = await this.query<{ revision: string }>('reading a stream revision', sql.CURRENT_REVISION_SQL, [stream]);
    return rows.length ? BigInt(rows[0].revision) : 'no_stream';
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const { rows } = await this.query<sql.EventRow>(
      'reading a stream',
      sql.readStreamSql(backwards),
      sql.readStreamParams(stream, backwards, options.fromRevision, options.maxCount),
    );
    return rows.map(sql.toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const direction = options.direction ?? 'forwards';
    const after = options.after ?? (direction === 'forwards' ? 'start' : 'end');
    // Nothing lies after the end going forwards, nor before the start going backwards.
    if ((after === 'end' && direction === 'forwards') || (after === 'start' && direction === 'backwards')) return [];
    return this.readAllFrom(direction, typeof after === 'string' ? null : after, options.maxCount);
  }

  private async readAllFrom(direction: 'forwards' | 'backwards', after: Position | null, maxCount?: number): Promise<RecordedEvent[]> {
    const { text, values } = sql.readAllQuery(direction, after, maxCount);
    const { rows } = await this.query<sql.EventRow>('reading the log', text, values);
    return rows.map(sql.toRecordedEvent);
  }

  async headPosition(): Promise<Position | null> {
    const { rows } = await this.query<{ transaction_id: string; global_id: string }>('reading the head', sql.HEAD_SQL, []);
    return rows.length ? position(BigInt(rows[0].transaction_id), BigInt(rows[0].global_id)) : null;
  }

  /**
   * Catch-up, then live. Reads go through the pool one batch at a time, so no client is held while waiting; the wait
   * ends on a NOTIFY, after the poll interval, on abort or on close.
   */
  async *subscribeToAll(options: SubscribeOptions): AsyncGenerator<SubscriptionMessage> {
    const { signal } = options;
    const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
    let checkpoint: Position | null = options.after === 'start' ? null : options.after;
    const stopped = () => this.closed || signal?.aborted === true;

    for (;;) {
      if (stopped()) return;
      const events = await this.readAllFrom('forwards', checkpoint, batchSize);
      if (events.length > 0) {
        checkpoint = events[events.length - 1].position;
        yield { kind: 'events', events };
      }
      if (events.length < batchSize) break;
    }
    if (stopped()) return;
    yield { kind: 'caught-up', position: checkpoint };

    const waiter = this.wakeUps.join();
    let retryMs = MIN_RETRY_MS;
    try {
      while (!stopped()) {
        const events = await this.readAllFrom('forwards', checkpoint, batchSize);
        if (events.length > 0) {
          checkpoint = events[events.length - 1].position;
          yield { kind: 'events', events };
        }
        if (events.length === batchSize || stopped()) continue;
        // Short of an announced commit: it hides behind an older open transaction (xmin); re-check soon, backing off.
        const latest = this.wakeUps.latestNotified;
        const behind = latest !== null && (checkpoint === null || comparePositions(checkpoint, latest) < 0);
        // Capped at a second whatever the poll interval: an announced commit must not wait a long poll to show.
        retryMs = behind ? Math.min(retryMs * 2, this.pollIntervalMs, MAX_RETRY_MS) : MIN_RETRY_MS;
        await waiter.wait(behind ? retryMs : this.pollIntervalMs, signal);
      }
    } finally {
      waiter.leave();
    }
  }

  /** What the xmin rule hides right now (visibility.ts); for health and metrics. */
  async visibility(): Promise<LogVisibility> {
    try {
      return await logVisibility(this.pool);
    } catch (e) {
      throw mapPgError(e, 'reading the log visibility');
    }
  }

  async ping(): Promise<void> {
    await this.query('pinging', 'SELECT 1', []);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.group?.drain();
    await this.wakeUps.close();
    await this.pool.end();
  }

  private async query<R extends pg.QueryResultRow = pg.QueryResultRow>(doing: string, text: string, values: unknown[]) {
    try {
      return await this.pool.query<R>(text, values);
    } catch (e) {
      throw mapPgError(e, doing);
    }
  }
}

function isDuplicateEventId(e: unknown): boolean {
  return (
    (e as { code?: string; constraint?: string }).code === '23505' &&
    (e as { constraint?: string }).constraint === 'events_stream_event_id_key'
  );
}

function satisfies(expected: ExpectedRevision, actual: bigint | 'no_stream'): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === 'no_stream';
  if (expected === 'stream_exists') return actual !== 'no_stream';
  return actual === expected;
}
