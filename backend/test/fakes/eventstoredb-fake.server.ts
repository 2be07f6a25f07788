/**
 * TEST DOUBLE: a FAKE EventStoreDB server, NOT EventStoreDB. No real EventStoreDB can be installed on these machines,
 * so this gRPC server, built from the service definitions generated inside `@eventstore/db-client`, lets the real
 * client (and through it our EventStoreDbEventStore adapter) run against something that speaks the same wire protocol.
 *
 * What it does: ServerFeatures (announcing BatchAppend, as a 21.10+ server does, so the client appends through it as
 * in production; `batchAppend: false` leaves ServerFeatures unimplemented, which makes the client fall back to the
 * classic Append, as with a 20.x server), Streams.BatchAppend with injectable faults (eventstoredb-fake.batch.ts),
 * Streams.Append (the classic client-streaming append), Streams.Read (stream reads, $all reads forwards and
 * backwards, subscriptions to $all and to one stream with catch-up from a position, then live delivery, with the
 * confirmation and the 23.10-style caught-up message), in memory. Write rules live in eventstoredb-fake.log.ts.
 * What it does not: Delete/Tombstone, persistent subscriptions, projections, ACLs/auth, TLS, gossip, clustering,
 * scavenging, link resolution, stream metadata, server-side checkpoints, BatchAppend's per-request deadline.
 *
 * It checks that our adapter maps the real client's types, errors and options correctly. It says nothing about how a
 * real server performs or behaves under failure beyond the dropped-connection case it can simulate.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import type { AppendReq, ReadReq } from '@eventstore/db-client/generated/streams_pb.js';
import {
  EXPECT_ANY,
  EXPECT_NO_STREAM,
  EXPECT_STREAM_EXISTS,
  FakeEventLog,
  type FakeAppendOutcome,
  type FakeExpected,
  type FakeProposedEvent,
} from './eventstoredb-fake.log.js';
import { batchAppend, FaultQueue, supportedMethods, type FakeAppendFault } from './eventstoredb-fake.batch.js';
import { readOnce, subscribe, type ReadCall } from './eventstoredb-fake.read.js';

const { AppendResp } = streamsPb;

export interface FakeEventStoreDb {
  /** `esdb://127.0.0.1:PORT?tls=false` */
  url: string;
  port: number;
  /** The in-memory log, for assertions that must look under the adapter. */
  log: FakeEventLog;
  /** Ends every open read/subscription call with UNAVAILABLE, as a server restart or network cut looks to the client. */
  dropConnections(): void;
  /** Writes a system event (stream and type start with '$'), as the real server does on its own. */
  appendSystemEvent(): void;
  /** Answers the next `count` BatchAppend appends with `fault` instead of writing (see eventstoredb-fake.batch.ts). */
  failNextAppends(fault: FakeAppendFault, count?: number): void;
  /** Drops the faults not yet used. */
  clearFaults(): void;
  /** Appends received so far, by path: what the client chose (BatchAppend when the features announce it). */
  appendCalls: { batch: number; classic: number };
  /** Appends answered with an injected fault so far. */
  readonly faultsInjected: number;
  stop(): Promise<void>;
}

function expectedOf(options: AppendReq.Options): FakeExpected {
  switch (options.getExpectedStreamRevisionCase()) {
    case streamsPb.AppendReq.Options.ExpectedStreamRevisionCase.REVISION:
      return BigInt(options.getRevision());
    case streamsPb.AppendReq.Options.ExpectedStreamRevisionCase.NO_STREAM:
      return EXPECT_NO_STREAM;
    case streamsPb.AppendReq.Options.ExpectedStreamRevisionCase.STREAM_EXISTS:
      return EXPECT_STREAM_EXISTS;
    default:
      return EXPECT_ANY;
  }
}

function toProposed(message: AppendReq.ProposedMessage): FakeProposedEvent {
  const metadata = message.getMetadataMap();
  return {
    id: message.getId()?.getString() ?? '',
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

function appendResponse(outcome: FakeAppendOutcome, expected: FakeExpected): InstanceType<typeof AppendResp> {
  const resp = new AppendResp();
  if (outcome.kind === 'wrong-expected-version') {
    const wrong = new AppendResp.WrongExpectedVersion();
    if (outcome.current === null) wrong.setCurrentNoStream(new sharedPb.Empty());
    else wrong.setCurrentRevision(String(outcome.current));
    if (expected === EXPECT_ANY) wrong.setExpectedAny(new sharedPb.Empty());
    else if (expected === EXPECT_NO_STREAM) wrong.setExpectedNoStream(new sharedPb.Empty());
    else if (expected === EXPECT_STREAM_EXISTS) wrong.setExpectedStreamExists(new sharedPb.Empty());
    else wrong.setExpectedRevision(String(expected));
    resp.setWrongExpectedVersion(wrong);
    return resp;
  }
  const success = new AppendResp.Success();
  if (outcome.kind === 'idempotent') {
    // The real server answers an already-committed write with its revisions but without a log position.
    success.setCurrentRevision(String(outcome.lastRevision));
    success.setNoPosition(new sharedPb.Empty());
  } else {
    const last = outcome.events[outcome.events.length - 1];
    success.setCurrentRevision(String(last.revision));
    const pos = new AppendResp.Position();
    pos.setCommitPosition(String(last.commit));
    pos.setPreparePosition(String(last.prepare));
    success.setPosition(pos);
  }
  resp.setSuccess(success);
  return resp;
}

export interface FakeOptions {
  /** Announce BatchAppend in ServerFeatures (default), or leave ServerFeatures unimplemented (a 20.x server). */
  batchAppend?: boolean;
}

export async function startFakeEventStoreDb(options: FakeOptions = {}): Promise<FakeEventStoreDb> {
  const useBatch = options.batchAppend ?? true;
  const log = new FakeEventLog();
  const faults = new FaultQueue();
  const appendCalls = { batch: 0, classic: 0 };
  const open = new Set<ReadCall>();
  let systemEvents = 0;
  const appendSystemEvent = () => {
    const bytes = Buffer.from(JSON.stringify({ n: ++systemEvents }));
    log.append('$stats-127.0.0.1:2113', EXPECT_ANY, [
      { id: randomUUID(), type: '$statsCollected', contentType: 'application/json', data: bytes, metadata: new Uint8Array() },
    ]);
  };
  // A fresh real node already holds system events ($settings, $users, stats) before the first user write.
  log.append('$settings', EXPECT_ANY, [
    { id: randomUUID(), type: '$settings', contentType: 'application/json', data: Buffer.from('{}'), metadata: new Uint8Array() },
  ]);
  appendSystemEvent();

  const server = new grpc.Server();
  server.addService(streamsGrpc.StreamsService, {
    read(call: ReadCall) {
      open.add(call);
      const forget = () => open.delete(call);
      call.on('cancelled', forget);
      call.on('finish', forget);
      call.on('error', forget);
      const options = call.request.getOptions() as ReadReq.Options;
      if (options.hasSubscription()) subscribe(log, call, options);
      else readOnce(log, call, options);
    },
    append(call: grpc.ServerReadableStream<AppendReq, unknown>, callback: grpc.sendUnaryData<unknown>) {
      let options: AppendReq.Options | undefined;
      const proposed: FakeProposedEvent[] = [];
      call.on('data', (req: AppendReq) => {
        if (req.hasOptions()) options = req.getOptions();
        else if (req.hasProposedMessage()) proposed.push(toProposed(req.getProposedMessage()!));
      });
      call.on('error', () => undefined);
      call.on('end', () => {
        appendCalls.classic++;
        if (!options) return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'append without options' });
        const stream = Buffer.from(options.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8');
        const expected = expectedOf(options);
        callback(null, appendResponse(log.append(stream, expected, proposed), expected));
      });
    },
    batchAppend(call: Parameters<typeof batchAppend>[2]) {
      batchAppend(log, faults, call, () => appendCalls.batch++);
    },
  });
  if (useBatch) {
    server.addService(serverFeaturesGrpc.ServerFeaturesService, {
      getSupportedMethods(_call: unknown, callback: grpc.sendUnaryData<unknown>) {
        callback(null, supportedMethods(true));
      },
    });
  }

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );

  const dropConnections = () => {
    for (const call of [...open]) {
      open.delete(call);
      call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'fake EventStoreDB dropped the connection' });
    }
  };

  return {
    url: `esdb://127.0.0.1:${port}?tls=false`,
    port,
    log,
    dropConnections,
    appendSystemEvent,
    failNextAppends: (fault, count = 1) => faults.push(fault, count),
    clearFaults: () => faults.clear(),
    appendCalls,
    get faultsInjected() {
      return faults.injected;
    },
    async stop() {
      dropConnections();
      server.forceShutdown();
    },
  };
}
