/**
 * Wakes live subscribers early when something was appended: appenders send `pg_notify` after their commit (a NOTIFY
 * inside the append transaction would take the global notify lock at commit), and one dedicated LISTEN connection,
 * open while anyone subscribes, wakes every waiter. Losing it only costs latency: waiters still poll.
 */
import pg from 'pg';
import { isPositionString, maxPosition, positionFromString, positionToString, type Position } from '../position.js';
import { NOTIFY_CHANNEL } from './sql.js';

const RECONNECT_MS = 1000;

export interface Waiter {
  /** Resolves on a notification (including one that arrived since the last wait), the timeout, or abort. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  leave(): void;
}

export class WakeUps {
  private readonly wakers = new Set<() => void>();
  private listener: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private lastFailure = 0;
  private closed = false;
  private notifying = false;
  private toNotify: Position | null = null;
  /** Newest committed position anyone announced: a subscriber short of it knows more is coming (see subscribeToAll). */
  latestNotified: Position | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly clientConfig: pg.ClientConfig,
  ) {}

  /**
   * After a commit, with the append's position as payload. Fire-and-forget; while one NOTIFY is in flight, later
   * requests coalesce into one more carrying the newest position.
   */
  notify(committed: Position): void {
    if (this.closed) return;
    this.toNotify = maxPosition(this.toNotify, committed);
    if (this.notifying) return;
    const payload = positionToString(this.toNotify!);
    this.toNotify = null;
    this.notifying = true;
    this.pool
      .query(`SELECT pg_notify('${NOTIFY_CHANNEL}', $1)`, [payload])
      .catch(() => undefined)
      .finally(() => {
        this.notifying = false;
        if (this.toNotify) this.notify(this.toNotify);
      });
  }

  join(): Waiter {
    let pending = false;
    let resolveWait: (() => void) | null = null;
    const wake = () => {
      pending = true;
      resolveWait?.();
    };
    this.wakers.add(wake);
    this.ensureListener();
    return {
      wait: (timeoutMs, signal) => {
        this.ensureListener();
        if (pending || this.closed || signal?.aborted) {
          pending = false;
          return Promise.resolve();
        }
        return new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            resolveWait = null;
            pending = false;
            resolve();
          };
          const timer = setTimeout(done, timeoutMs);
          signal?.addEventListener('abort', done, { once: true });
          resolveWait = done;
        });
      },
      leave: () => {
        resolveWait?.();
        this.wakers.delete(wake);
        if (this.wakers.size === 0) this.dropListener();
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeAll();
    await this.connecting;
    this.dropListener();
  }

  private wakeAll(): void {
    for (const wake of this.wakers) wake();
  }

  private ensureListener(): void {
    if (this.listener || this.connecting || this.closed || this.wakers.size === 0) return;
    if (Date.now() - this.lastFailure < RECONNECT_MS) return;
    const client = new pg.Client(this.clientConfig);
    const lost = () => {
      if (this.listener === client) this.dropListener();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (n) => {
      if (n.payload && isPositionString(n.payload)) this.latestNotified = maxPosition(this.latestNotified, positionFromString(n.payload));
      this.wakeAll();
    });
    this.connecting = (async () => {
      try {
        await client.connect();
        await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
        if (this.closed || this.wakers.size === 0) {
          await client.end();
          return;
        }
        this.listener = client;
        // Appends may have committed while nobody listened.
        this.wakeAll();
      } catch {
        this.lastFailure = Date.now();
        client.end().catch(() => undefined);
      }
    })().finally(() => {
      this.connecting = null;
    });
  }

  private dropListener(): void {
    const client = this.listener;
    this.listener = null;
    client?.end().catch(() => undefined);
  }
}
