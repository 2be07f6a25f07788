/**
 * TEST DOUBLE, not EventStoreDB: Streams.BatchAppend and ServerFeatures of the fake EventStoreDB server
 * (eventstoredb-fake.server.ts). A 21.10+ server lists BatchAppend among its features and the client then sends every
 * append through it (one long-lived duplex call, requests and answers matched by correlation id), so this is the path
 * production takes. The answers follow the server's Streams.BatchAppend.cs as far as the client can see them:
 * - success: current revision and log position;
 * - wrong expected version: a google.rpc.Status whose details pack event_store.client.WrongExpectedVersion;
 * - commit timeout: details pack event_store.client.Timeout;
 * - not handled (busy, not ready, no leader known): details pack google.protobuf.Empty and the reason is only in the
 *   message ("Server Is Busy", "Server Is Not Ready", "No leader info available in response"), which the client turns
 *   into an UnknownError "Could not recognize <message>".
 * Injected faults (`failNextAppends`) answer before the log is touched, except 'timeout-after-write', which writes and
 * then answers Timeout, as a commit that completed after the server stopped waiting.
 */
import * as grpc from '@grpc/grpc-js';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { BatchAppendReq } from '@eventstore/db-client/generated/streams_pb.js';
import {
  EXPECT_ANY,
  EXPECT_NO_STREAM,
  EXPECT_STREAM_EXISTS,
  type FakeAppendOutcome,
  type FakeEventLog,
  type FakeExpected,
  type FakeProposedEvent,
} from './eventstoredb-fake.log.js';

export type FakeAppendFault = 'busy' | 'not-ready' | 'no-leader' | 'timeout' | 'timeout-after-write';

const NOT_HANDLED: Record<'busy' | 'not-ready' | 'no-leader', string> = {
  busy: 'Server Is Busy',
  'not-ready': 'Server Is Not Ready',
  'no-leader': 'No leader info available in response',
};

/** Faults to answer the next appends with, in order; shared by every BatchAppend call of one fake server. */
export class FaultQueue {
  private readonly queue: FakeAppendFault[] = [];
  /** How many appends were answered with a fault so far. */
  injected = 0;

  push(fault: FakeAppendFault, count: number): void {
    for (let i = 0; i < count; i++) this.queue.push(fault);
  }

  clear(): void {
    this.queue.length = 0;
  }

  take(): FakeAppendFault | undefined {
    const f = this.queue.shift();
    if (f) this.injected++;
    return f;
  }
}

/** The features a 23.10 server announces (the ones the client looks for); BatchAppend only when `batchAppend`. */
export function supportedMethods(batchAppend: boolean): InstanceType<typeof serverFeaturesPb.SupportedMethods> {
  const methods = new serverFeaturesPb.SupportedMethods();
  methods.setEventStoreServerVersion('23.10.0');
  const add = (service: string, method: string, features: string[] = []) => {
    const m = new serverFeaturesPb.SupportedMethod();
    m.setServiceName(service);
    m.setMethodName(method);
    m.setFeaturesList(features);
    methods.addMethods(m);
  };
  add('event_store.client.streams.streams', 'read', ['all', 'stream', 'position', 'events']);
  add('event_store.client.streams.streams', 'append');
  if (batchAppend) add('event_store.client.streams.streams', 'batchappend');
  add('event_store.client.server_features.serverfeatures', 'getsupportedmethods');
  return methods;
}

function expectedOf(options: BatchAppendReq.Options): FakeExpected {
  const Case = streamsPb.BatchAppendReq.Options.ExpectedStreamPositionCase;
  switch (options.getExpectedStreamPositionCase()) {
    case Case.STREAM_POSITION:
      return BigInt(options.getStreamPosition());
    case Case.NO_STREAM:
      return EXPECT_NO_STREAM;
    case Case.STREAM_EXISTS:
      return EXPECT_STREAM_EXISTS;
    default:
      return EXPECT_ANY;
  }
}

function toProposed(message: BatchAppendReq.ProposedMessage): FakeProposedEvent {
  const metadata = message.getMetadataMap();
  return {
    id: message.getId()?.getString() ?? '',
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

function status(code: grpc.status, message: string, details: { serializeBinary(): Uint8Array }, typeName: string) {
  const s = new statusPb.Status();
  s.setCode(code as never);
  s.setMessage(message);
  const any = new anyPb.Any();
  any.pack(details.serializeBinary(), typeName);
  s.setDetails(any);
  return s;
}

function wrongExpectedVersion(current: bigint | null, expected: FakeExpected) {
  const w = new sharedPb.WrongExpectedVersion();
  if (current === null) w.setCurrentNoStream(new emptyPb.Empty());
  else w.setCurrentStreamRevision(String(current));
  if (expected === EXPECT_ANY) w.setExpectedAny(new emptyPb.Empty());
  else if (expected === EXPECT_NO_STREAM) w.setExpectedNoStream(new emptyPb.Empty());
  else if (expected === EXPECT_STREAM_EXISTS) w.setExpectedStreamExists(new emptyPb.Empty());
  else w.setExpectedStreamPosition(String(expected));
  return status(grpc.status.FAILED_PRECONDITION, 'Wrong expected version', w, 'event_store.client.WrongExpectedVersion');
}

const timeout = () => status(grpc.status.DEADLINE_EXCEEDED, 'Timeout', new sharedPb.Timeout(), 'event_store.client.Timeout');

function respond(outcome: FakeAppendOutcome, expected: FakeExpected, resp: InstanceType<typeof streamsPb.BatchAppendResp>): void {
  if (outcome.kind === 'wrong-expected-version') {
    resp.setError(wrongExpectedVersion(outcome.current, expected));
    return;
  }
  const success = new streamsPb.BatchAppendResp.Success();
  if (outcome.kind === 'idempotent') {
    success.setCurrentRevision(String(outcome.lastRevision));
    success.setNoPosition(new emptyPb.Empty());
  } else {
    const last = outcome.events[outcome.events.length - 1];
    success.setCurrentRevision(String(last.revision));
    const pos = new sharedPb.AllStreamPosition();
    pos.setCommitPosition(String(last.commit));
    pos.setPreparePosition(String(last.prepare));
    success.setPosition(pos);
  }
  resp.setSuccess(success);
}

type BatchCall = grpc.ServerDuplexStream<BatchAppendReq, InstanceType<typeof streamsPb.BatchAppendResp>>;

/** One BatchAppend call: requests of several appends may interleave; each is answered once its final request came. */
export function batchAppend(log: FakeEventLog, faults: FaultQueue, call: BatchCall, counted: () => void): void {
  const pending = new Map<string, { options: BatchAppendReq.Options; proposed: FakeProposedEvent[] }>();
  call.on('error', () => undefined);
  call.on('end', () => call.end());
  call.on('data', (req: BatchAppendReq) => {
    const correlation = req.getCorrelationId();
    const key = correlation ? Buffer.from(correlation.serializeBinary()).toString('hex') : '';
    let entry = pending.get(key);
    if (!entry) {
      const options = req.getOptions();
      if (!options) return call.destroy(new Error('BatchAppend without options in its first request'));
      entry = { options, proposed: [] };
      pending.set(key, entry);
    }
    entry.proposed.push(...req.getProposedMessagesList().map(toProposed));
    if (!req.getIsFinal()) return;
    pending.delete(key);
    counted();

    const resp = new streamsPb.BatchAppendResp();
    resp.setCorrelationId(correlation);
    resp.setStreamIdentifier(entry.options.getStreamIdentifier());
    const stream = Buffer.from(entry.options.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8');
    const expected = expectedOf(entry.options);
    const fault = faults.take();
    if (fault === 'timeout') resp.setError(timeout());
    else if (fault === 'timeout-after-write') {
      log.append(stream, expected, entry.proposed);
      resp.setError(timeout());
    } else if (fault) resp.setError(status(grpc.status.UNAVAILABLE, NOT_HANDLED[fault], new emptyPb.Empty(), 'google.protobuf.Empty'));
    else respond(log.append(stream, expected, entry.proposed), expected, resp);
    call.write(resp);
  });
}
