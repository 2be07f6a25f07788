/**
 * Reads through the EventStoreDB client shaped to the port: $all without system records and with an exclusive
 * `after`, streams as arrays ([] when missing), and a small retry for reads that hit a node going away.
 */
import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  StreamNotFoundError,
  type AllStreamResolvedEvent,
  type EventStoreDBClient,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type { ReadAllOptions, ReadStreamOptions, RecordedEvent } from '../event-store.port.js';
import { comparePositions, type Position } from '../position.js';
import { isSystemEvent, isTransient, toRecordedEvent, toStoreError } from './eventstoredb.mapping.js';

/** Events per $all request; bounded so a long log streams in pieces. */
export const ALL_PAGE_SIZE = 500;
const RETRY_DELAYS_MS = [100, 400];

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs an idempotent operation, retrying twice after a transient failure: the client then has dropped its channel and
 * the retry reconnects (to the new leader, in a cluster). What still fails becomes StoreUnavailableError.
 */
export async function withRetry<T>(op: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (error) {
      if (!isTransient(error) || attempt >= RETRY_DELAYS_MS.length) throw toStoreError(error);
      await sleep(RETRY_DELAYS_MS[attempt]);
    }
  }
}

async function collect<T>(read: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of read) out.push(item);
  return out;
}

/** One raw request on $all. Forwards the start position is inclusive on the server; we drop the repeat ourselves. */
export function readAllRaw(
  client: EventStoreDBClient,
  from: Position | 'start' | 'end',
  direction: 'forwards' | 'backwards',
  maxCount: number,
): Promise<AllStreamResolvedEvent[]> {
  const fromPosition = from === 'start' ? START : from === 'end' ? END : { commit: from.commit, prepare: from.prepare };
  return collect(client.readAll({ fromPosition, direction: direction === 'forwards' ? FORWARDS : BACKWARDS, maxCount }));
}

function rawPosition(r: AllStreamResolvedEvent): Position | undefined {
  return r.event?.position ?? r.link?.position;
}

/** The global log without system records, strictly after (forwards) or before (backwards) `after`. */
export async function readAllEvents(client: EventStoreDBClient, options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
  const direction = options.direction ?? 'forwards';
  const want = options.maxCount ?? Number.POSITIVE_INFINITY;
  let cursor = options.after ?? (direction === 'forwards' ? 'start' : 'end');
  if (want <= 0 || (direction === 'forwards' && cursor === 'end') || (direction === 'backwards' && cursor === 'start')) {
    return [];
  }
  const out: RecordedEvent[] = [];
  // Grows when pages come back full of skipped system records (a real node writes $stats-* events on its own).
  let growth = 1;
  while (out.length < want) {
    // +1: the boundary event comes back once more on every page after the first.
    const size = Math.max(2, Math.min(ALL_PAGE_SIZE, (want - out.length + 1) * growth));
    growth *= 4;
    const from = cursor;
    const page = await withRetry(() => readAllRaw(client, from, direction, size));
    for (const raw of page) {
      const at = rawPosition(raw);
      if (at && typeof from === 'object') {
        const cmp = comparePositions(at, from);
        if (direction === 'forwards' ? cmp <= 0 : cmp >= 0) continue;
      }
      if (isSystemEvent(raw)) continue;
      out.push(toRecordedEvent(raw));
      if (out.length >= want) break;
    }
    const last = page.length > 0 ? rawPosition(page[page.length - 1]) : undefined;
    if (page.length < size || !last) break;
    cursor = last;
  }
  return out;
}

/** Raw events of one stream, or null when it does not exist. */
export async function readStreamRaw(
  client: EventStoreDBClient,
  stream: string,
  options: ReadStreamOptions = {},
): Promise<ResolvedEvent[] | null> {
  const direction = options.direction ?? 'forwards';
  return withRetry(async () => {
    try {
      return await collect(
        client.readStream(stream, {
          direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
          fromRevision: options.fromRevision ?? (direction === 'forwards' ? START : END),
          maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
        }),
      );
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
  });
}
