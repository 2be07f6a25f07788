/**
 * TEST DOUBLE, not EventStoreDB: the Streams.Read side of the fake EventStoreDB server (eventstoredb-fake.server.ts).
 * Mirrors the read semantics the real server shows to the client: stream reads (StreamNotFound for a missing stream),
 * $all reads (forwards from a position inclusive, backwards strictly before it), and catch-up subscriptions whose start
 * position/revision is exclusive, answered with a confirmation, the history, a caught-up message, then live events.
 */
import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import { comparePos, type FakeEventLog, type FakePosition, type FakeStoredEvent } from './eventstoredb-fake.log.js';

export type ReadCall = grpc.ServerWritableStream<ReadReq, ReadResp>;

const Options = streamsPb.ReadReq.Options;
const BACKWARDS = streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;

function streamName(id: { getStreamName_asU8(): Uint8Array } | undefined): string {
  return id ? Buffer.from(id.getStreamName_asU8()).toString('utf8') : '';
}

function eventResp(e: FakeStoredEvent): ReadResp {
  const record = new streamsPb.ReadResp.ReadEvent.RecordedEvent();
  const uuid = new sharedPb.UUID();
  uuid.setString(e.id);
  record.setId(uuid);
  const sid = new sharedPb.StreamIdentifier();
  sid.setStreamName(Buffer.from(e.stream, 'utf8'));
  record.setStreamIdentifier(sid);
  record.setStreamRevision(String(e.revision));
  record.setCommitPosition(String(e.commit));
  record.setPreparePosition(String(e.prepare));
  const meta = record.getMetadataMap();
  meta.set('type', e.type);
  meta.set('content-type', e.contentType);
  meta.set('created', String(e.created));
  record.setData(e.data);
  record.setCustomMetadata(e.metadata);
  const event = new streamsPb.ReadResp.ReadEvent();
  event.setEvent(record);
  event.setCommitPosition(String(e.commit));
  const resp = new streamsPb.ReadResp();
  resp.setEvent(event);
  return resp;
}

/** Server-side filter of a subscription (the client's excludeSystemEvents() is an event-type regex). */
function filterOf(options: ReadReq.Options): (e: FakeStoredEvent) => boolean {
  if (!options.hasFilter()) return () => true;
  const f = options.getFilter()!;
  const onStream = f.hasStreamIdentifier();
  const expr = onStream ? f.getStreamIdentifier()! : f.getEventType()!;
  const regex = expr.getRegex() ? new RegExp(expr.getRegex()) : null;
  const prefixes = expr.getPrefixList();
  return (e) => {
    const subject = onStream ? e.stream : e.type;
    if (regex && !regex.test(subject)) return false;
    return prefixes.length === 0 || prefixes.some((p) => subject.startsWith(p));
  };
}

function posOf(p: ReadReq.Options.Position): FakePosition {
  return { commit: BigInt(p.getCommitPosition()), prepare: BigInt(p.getPreparePosition()) };
}

export function readOnce(log: FakeEventLog, call: ReadCall, options: ReadReq.Options): void {
  const count = BigInt(options.getCount() || '0');
  const backwards = options.getReadDirection() === BACKWARDS;
  const keep = filterOf(options);
  let picked: FakeStoredEvent[];
  if (options.hasStream()) {
    const so = options.getStream()!;
    const name = streamName(so.getStreamIdentifier());
    const events = log.stream(name);
    if (!events) {
      const nf = new streamsPb.ReadResp.StreamNotFound();
      nf.setStreamIdentifier(so.getStreamIdentifier());
      const resp = new streamsPb.ReadResp();
      resp.setStreamNotFound(nf);
      call.write(resp);
      call.end();
      return;
    }
    const last = BigInt(events.length - 1);
    const Case = Options.StreamOptions.RevisionOptionCase;
    const kind = so.getRevisionOptionCase();
    if (backwards) {
      const from = kind === Case.REVISION ? BigInt(so.getRevision()) : kind === Case.START ? 0n : last;
      picked = events.filter((e) => e.revision <= from).reverse();
    } else {
      const from = kind === Case.REVISION ? BigInt(so.getRevision()) : kind === Case.END ? last + 1n : 0n;
      picked = events.filter((e) => e.revision >= from);
    }
  } else {
    const ao = options.getAll()!;
    const Case = Options.AllOptions.AllOptionCase;
    const kind = ao.getAllOptionCase();
    if (backwards) {
      if (kind === Case.START) picked = [];
      else if (kind === Case.POSITION) {
        const from = posOf(ao.getPosition()!);
        picked = log.all.filter((e) => comparePos(e, from) < 0).reverse();
      } else picked = [...log.all].reverse();
    } else if (kind === Case.END) picked = [];
    else if (kind === Case.POSITION) {
      const from = posOf(ao.getPosition()!);
      picked = log.all.filter((e) => comparePos(e, from) >= 0);
    } else picked = [...log.all];
  }
  let sent = 0n;
  for (const e of picked) {
    if (sent >= count) break;
    if (!keep(e)) continue;
    call.write(eventResp(e));
    sent++;
  }
  call.end();
}

export function subscribe(log: FakeEventLog, call: ReadCall, options: ReadReq.Options): void {
  const keep = filterOf(options);
  let belongs: (e: FakeStoredEvent) => boolean;
  let next: number;
  if (options.hasStream()) {
    const so = options.getStream()!;
    const name = streamName(so.getStreamIdentifier());
    const Case = Options.StreamOptions.RevisionOptionCase;
    const kind = so.getRevisionOptionCase();
    const after = kind === Case.REVISION ? BigInt(so.getRevision()) : -1n;
    belongs = (e) => e.stream === name && e.revision > after;
    next = kind === Case.END ? log.all.length : 0;
  } else {
    const ao = options.getAll()!;
    const Case = Options.AllOptions.AllOptionCase;
    const kind = ao.getAllOptionCase();
    belongs = () => true;
    if (kind === Case.END) next = log.all.length;
    else if (kind === Case.POSITION) {
      const after = posOf(ao.getPosition()!);
      next = log.all.findIndex((e) => comparePos(e, after) > 0);
      if (next < 0) next = log.all.length;
    } else next = 0;
  }

  let closed = false;
  const pump = () => {
    for (; next < log.all.length && !closed; next++) {
      const e = log.all[next];
      if (belongs(e) && keep(e)) call.write(eventResp(e));
    }
  };
  const confirmation = new streamsPb.ReadResp.SubscriptionConfirmation();
  confirmation.setSubscriptionId(randomUUID());
  const first = new streamsPb.ReadResp();
  first.setConfirmation(confirmation);
  call.write(first);
  pump();
  const caughtUp = new streamsPb.ReadResp();
  caughtUp.setCaughtUp(new streamsPb.ReadResp.CaughtUp());
  call.write(caughtUp);
  const unlisten = log.onAppend(pump);
  const close = () => {
    closed = true;
    unlisten();
  };
  call.on('cancelled', close);
  call.on('error', close);
  call.on('finish', close);
}
