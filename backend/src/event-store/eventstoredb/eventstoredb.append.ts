/**
 * appendToStream with the port's guarantees on top of EventStoreDB's own.
 * EventStoreDB skips a re-append only when it carries the same expected revision as the original write (and then
 * answers without a log position); for 'any'/'stream_exists' its dedup rests on a bounded cache of recent ids, and an
 * exact revision equal to the current one is written again whatever its ids. The port promises more, like the
 * PostgreSQL store's unique (stream, event id): a batch whose ids the stream already holds returns the original result
 * whatever the expected revision, and a batch that only partly repeats is rejected. So every append first reads the
 * stream (streams here are per TPS/incident: small), which costs one extra round trip.
 */
import type { EventStoreDBClient, AppendExpectedRevision, ResolvedEvent } from '@eventstore/db-client';
import { WrongExpectedVersionError } from '@eventstore/db-client';
import type { AppendResult, ExpectedRevision, NewEvent } from '../event-store.port.js';
import { WrongExpectedRevisionError } from '../event-store.errors.js';
import { position } from '../position.js';
import { isTransient, toActual, toClientEvent, toStoreError } from './eventstoredb.mapping.js';
import { readStreamRaw, sleep } from './eventstoredb.reads.js';

const MAX_OPTIMISTIC_ATTEMPTS = 50;
const TRANSIENT_RETRY_DELAYS_MS = [100, 400];

type Attempt = { ok: true; result: AppendResult | null; next: bigint } | { ok: false; actual: bigint | 'no_stream' };

/** The original result if the whole batch is already in the stream, 'partial' if only some ids are, else null. */
function findBatch(existing: ResolvedEvent[] | null, events: NewEvent[]): AppendResult | 'partial' | null {
  if (!existing || events.length === 0) return null;
  // Ids are UUIDs: compared whatever their case, as the server (a Guid) and the PostgreSQL store (a uuid column) do.
  const index = new Map<string, number>();
  existing.forEach((r, i) => r.event && index.set(r.event.id.toLowerCase(), i));
  const wanted = events.map((e) => e.id.toLowerCase());
  const start = index.get(wanted[0]);
  const found = wanted.filter((id) => index.has(id)).length;
  if (found === 0) return null;
  if (start === undefined || found !== events.length) return 'partial';
  for (let i = 1; i < wanted.length; i++) if (index.get(wanted[i]) !== start + i) return 'partial';
  const last = existing[start + events.length - 1].event!;
  if (!last.position) throw new Error(`EventStoreDB returned ${last.streamId}@${last.revision} without a log position`);
  return { nextExpectedRevision: last.revision, position: position(last.position.commit, last.position.prepare) };
}

async function send(client: EventStoreDBClient, stream: string, events: NewEvent[], expected: AppendExpectedRevision): Promise<Attempt> {
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await client.appendToStream(stream, events.map(toClientEvent), { expectedRevision: expected });
      // success=false only when the connection string sets throwOnAppendFailure=false.
      if (!r.success) return { ok: false, actual: toActual(r.nextExpectedRevision) };
      const result = r.position
        ? { nextExpectedRevision: r.nextExpectedRevision, position: position(r.position.commit, r.position.prepare) }
        : null;
      return { ok: true, result, next: r.nextExpectedRevision };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return { ok: false, actual: toActual(error.actualVersion) };
      // Retrying is safe: the same ids with the same expected revision are deduplicated (or found by findBatch).
      if (!isTransient(error) || attempt >= TRANSIENT_RETRY_DELAYS_MS.length) throw toStoreError(error);
      await sleep(TRANSIENT_RETRY_DELAYS_MS[attempt]);
    }
  }
}

/** A success without a position is the server's idempotent answer: fetch the original events for their position. */
async function completed(
  client: EventStoreDBClient,
  stream: string,
  events: NewEvent[],
  attempt: Attempt & { ok: true },
): Promise<AppendResult> {
  if (attempt.result) return attempt.result;
  const found = findBatch(await readStreamRaw(client, stream), events);
  if (found && found !== 'partial') return found;
  throw new Error(`EventStoreDB acknowledged ${stream}@${attempt.next} without a position, and the events are not in the stream`);
}

export async function appendEvents(
  client: EventStoreDBClient,
  stream: string,
  events: NewEvent[],
  expected: ExpectedRevision,
): Promise<AppendResult> {
  const loose = expected === 'any' || expected === 'stream_exists';
  for (let i = 0; i < MAX_OPTIMISTIC_ATTEMPTS; i++) {
    // 1. Is the batch already there? (EventStoreDB itself would write it again when `expected` is the current revision.)
    const existing = await readStreamRaw(client, stream);
    const current = existing && existing.length > 0 ? existing[existing.length - 1].event!.revision : null;
    const found = findBatch(existing, events);
    if (found === 'partial') throw new WrongExpectedRevisionError(stream, expected, current ?? 'no_stream');
    if (found) return found;
    if (current === null && expected === 'stream_exists') throw new WrongExpectedRevisionError(stream, expected, 'no_stream');
    // 2. Write, pinned to the revision just checked when the caller gave none, so check and write stay atomic.
    const attempt = await send(client, stream, events, loose ? (current ?? 'no_stream') : expected);
    if (attempt.ok) return completed(client, stream, events, attempt);
    // 3. Conflict. With an exact revision it is the caller's, unless our own batch landed meanwhile (a concurrent
    //    retry); with 'any'/'stream_exists' someone appended between our read and write: look again.
    if (!loose) {
      const raced = findBatch(await readStreamRaw(client, stream), events);
      if (raced && raced !== 'partial') return raced;
      throw new WrongExpectedRevisionError(stream, expected, attempt.actual);
    }
    await sleep(Math.random() * Math.min(50, 2 * (i + 1)));
  }
  // Pathological contention on a loose append: let the server decide, as EventStoreDB itself would.
  const attempt = await send(client, stream, events, expected);
  if (attempt.ok) return completed(client, stream, events, attempt);
  throw new WrongExpectedRevisionError(stream, expected, attempt.actual);
}
