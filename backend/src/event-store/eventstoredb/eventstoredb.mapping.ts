/**
 * Translations between @eventstore/db-client's types and the event-store port: events, revisions, positions, errors.
 */
import {
  convertToCommandError,
  ErrorType,
  isCommandError,
  jsonEvent,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type { EventMetadata, ExpectedRevision, NewEvent, RecordedEvent } from '../event-store.port.js';
import { StoreUnavailableError, WrongExpectedRevisionError } from '../event-store.errors.js';
import { position } from '../position.js';

export type ClientResolvedEvent = ResolvedEvent | AllStreamResolvedEvent;

export function toClientEvent(e: NewEvent) {
  // Data and metadata go in as JSON so other EventStoreDB tools (UI, projections) can read them.
  return jsonEvent({ id: e.id, type: e.type, data: e.data as never, metadata: e.metadata as never });
}

/** System records: '$'-prefixed types ($settings, $>, $metadata...) or streams ($stats-..., $$meta). */
export function isSystemEvent(resolved: ClientResolvedEvent): boolean {
  const e = resolved.event;
  return !e || e.type.startsWith('$') || e.streamId.startsWith('$');
}

export function toRecordedEvent(resolved: ClientResolvedEvent): RecordedEvent {
  const e = resolved.event;
  if (!e) throw new Error('EventStoreDB returned a resolved event without its record (unresolved link)');
  if (!e.position) throw new Error(`EventStoreDB returned ${e.streamId}@${e.revision} without a log position`);
  const data = e.isJson ? e.data : JSON.parse(Buffer.from(e.data).toString('utf8'));
  const metadata = e.metadata instanceof Uint8Array ? JSON.parse(Buffer.from(e.metadata).toString('utf8')) : e.metadata;
  return {
    id: e.id,
    stream: e.streamId,
    revision: e.revision,
    position: position(e.position.commit, e.position.prepare),
    type: e.type,
    data: data as Record<string, unknown>,
    metadata: (metadata ?? {}) as EventMetadata,
    recordedAt: e.created,
  };
}

const UNAVAILABLE = new Set<string>([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.CANCELLED,
  ErrorType.NOT_LEADER,
]);

/**
 * The server's "not handled" answers to a BatchAppend (Streams.BatchAppend.cs: the node is busy, still starting, or
 * knows no leader). Their details pack google.protobuf.Empty, so the client cannot classify them and hands over an
 * UnknownError "Could not recognize <message>": only the message says it is worth another try.
 */
const NOT_HANDLED = /\b(Server Is Busy|Server Is Not Ready|No leader info)/i;

/** Errors after which a retry may succeed: the client dropped its channel, or the node could not take the write now. */
export function isTransient(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  // Some paths (the server-features probe before an append) reject with the raw gRPC error: convert it first.
  const converted = error instanceof Error ? convertToCommandError(error) : error;
  if (converted instanceof Error && isCommandError(converted)) {
    if (UNAVAILABLE.has(converted.type)) return true;
    return converted.type === ErrorType.UNKNOWN && NOT_HANDLED.test(converted.message);
  }
  // Cluster discovery gives up with a plain Error ("Failed to discover after N attempts.").
  return error instanceof Error && /failed to discover/i.test(error.message);
}

/** Connection-level failures become StoreUnavailableError; conflicts the port's error; everything else unchanged. */
export function toStoreError(error: unknown, stream?: string, expected?: ExpectedRevision): unknown {
  if (error instanceof StoreUnavailableError || error instanceof WrongExpectedRevisionError) return error;
  if (error instanceof WrongExpectedVersionError && stream !== undefined && expected !== undefined) {
    return new WrongExpectedRevisionError(stream, expected, toActual(error.actualVersion));
  }
  if (isTransient(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new StoreUnavailableError(`EventStoreDB unavailable: ${message}`, error);
  }
  return error;
}

/** The client reports a missing stream as the string 'no_stream', an existing one as its revision. */
export function toActual(actual: unknown): bigint | 'no_stream' {
  if (typeof actual === 'bigint') return actual < 0n ? 'no_stream' : actual;
  if (typeof actual === 'number') return actual < 0 ? 'no_stream' : BigInt(actual);
  return 'no_stream';
}
