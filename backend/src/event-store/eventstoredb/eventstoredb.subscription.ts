/**
 * The port's catch-up subscription over EventStoreDB, built so it behaves the same on every server version:
 * 1. page through $all from the checkpoint with plain reads until the end (no reliance on the server's caught-up
 *    message, which only 23.10+ sends);
 * 2. emit `caught-up` once;
 * 3. subscribe live from the last delivered position (exclusive on the server) with the server-side system filter;
 * 4. when the server drops the subscription, resubscribe from the last delivered position after a backoff.
 * Every delivered position is remembered, so nothing is delivered twice across pages, resubscriptions or races.
 */
import {
  ErrorType,
  excludeSystemEvents,
  isCommandError,
  START,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import type { RecordedEvent, SubscribeOptions, SubscriptionMessage } from '../event-store.port.js';
import { comparePositions, type Position } from '../position.js';
import { isSystemEvent, isTransient, toRecordedEvent, toStoreError } from './eventstoredb.mapping.js';
import { ALL_PAGE_SIZE, readAllEvents } from './eventstoredb.reads.js';

const DEFAULT_BATCH = 100;
const BACKOFF_MS = { first: 100, max: 5_000 };
/** Pause the gRPC stream when this many events wait for a slow consumer. */
const HIGH_WATER = 1_000;

const PERMANENT = new Set<string>([ErrorType.ACCESS_DENIED, ErrorType.INVALID_ARGUMENT, ErrorType.UNSUPPORTED]);

function abortable(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** The work's result, or null as soon as the signal aborts (the work is then left to finish on its own). */
function untilAborted<T>(signal: AbortSignal, work: Promise<T>): Promise<T | null> {
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(null);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => (signal.removeEventListener('abort', onAbort), resolve(value)),
      (error: unknown) => (signal.removeEventListener('abort', onAbort), reject(error instanceof Error ? error : new Error(String(error)))),
    );
  });
}

/** Buffers what one live subscription delivers until the consumer asks for it. */
class LiveBuffer {
  private items: AllStreamResolvedEvent[] = [];
  private wake: (() => void) | null = null;
  ended = false;
  error: unknown = undefined;
  confirmed = false;

  constructor(
    private readonly sub: AllStreamSubscription,
    private readonly signal: AbortSignal,
  ) {
    sub.on('data', (e: AllStreamResolvedEvent) => {
      this.items.push(e);
      if (this.items.length >= HIGH_WATER) sub.pause();
      this.notify();
    });
    sub.on('confirmation', () => (this.confirmed = true));
    sub.on('error', (err: unknown) => this.finish(err));
    sub.on('end', () => this.finish());
    sub.on('close', () => this.finish());
    signal.addEventListener('abort', this.notify);
  }

  private finish(error?: unknown) {
    if (error !== undefined && this.error === undefined) this.error = error;
    this.ended = true;
    this.notify();
  }

  private readonly notify = () => {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  };

  /** Up to `max` buffered events; null once the subscription ended (or was aborted) and the buffer is empty. */
  async take(max: number): Promise<AllStreamResolvedEvent[] | null> {
    while (this.items.length === 0 && !this.ended && !this.signal.aborted) {
      await new Promise<void>((r) => (this.wake = r));
    }
    if (this.signal.aborted || this.items.length === 0) return null;
    const out = this.items.splice(0, max);
    if (this.items.length < HIGH_WATER / 2 && this.sub.isPaused()) this.sub.resume();
    return out;
  }

  async close(): Promise<void> {
    this.signal.removeEventListener('abort', this.notify);
    await this.sub.unsubscribe().catch(() => undefined);
  }
}

export async function* catchUpAndSubscribe(
  client: EventStoreDBClient,
  options: SubscribeOptions,
  signal: AbortSignal,
): AsyncGenerator<SubscriptionMessage> {
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
  let last: Position | null = options.after === 'start' ? null : options.after;
  let backoff = BACKOFF_MS.first;
  const fresh = (e: RecordedEvent) => !last || comparePositions(e.position, last) > 0;

  // 1. Catch up with plain reads.
  for (;;) {
    if (signal.aborted) return;
    let page: RecordedEvent[];
    try {
      // Raced with the signal: $all reads carry no deadline, and an abort must not wait for a stalled server.
      const got = await untilAborted(signal, readAllEvents(client, { after: last ?? 'start', maxCount: ALL_PAGE_SIZE }));
      if (!got) return;
      page = got;
    } catch (error) {
      if (!isTransient(error)) throw toStoreError(error);
      await abortable(signal, backoff);
      backoff = Math.min(backoff * 2, BACKOFF_MS.max);
      continue;
    }
    backoff = BACKOFF_MS.first;
    const events = page.filter(fresh);
    for (let i = 0; i < events.length; i += batchSize) {
      const batch = events.slice(i, i + batchSize);
      last = batch[batch.length - 1].position;
      yield { kind: 'events', events: batch };
      if (signal.aborted) return;
    }
    if (page.length < ALL_PAGE_SIZE) break;
  }
  // 2. Everything that existed when we started has been delivered.
  yield { kind: 'caught-up', position: last };

  // 3./4. Live, resubscribing from the last delivered position whenever the server drops us.
  while (!signal.aborted) {
    const sub = client.subscribeToAll({ fromPosition: last ?? START, filter: excludeSystemEvents() });
    const buffer = new LiveBuffer(sub, signal);
    try {
      for (let raw = await buffer.take(batchSize); raw; raw = await buffer.take(batchSize)) {
        const events = raw
          .filter((r) => !isSystemEvent(r))
          .map(toRecordedEvent)
          .filter(fresh);
        if (events.length === 0) continue;
        last = events[events.length - 1].position;
        backoff = BACKOFF_MS.first;
        yield { kind: 'events', events };
      }
    } finally {
      await buffer.close();
    }
    if (signal.aborted) return;
    const failure = buffer.error;
    if (failure instanceof Error && isCommandError(failure) && PERMANENT.has(failure.type)) throw toStoreError(failure);
    if (buffer.confirmed) backoff = BACKOFF_MS.first;
    await abortable(signal, backoff);
    backoff = Math.min(backoff * 2, BACKOFF_MS.max);
  }
}
