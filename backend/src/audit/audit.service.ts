import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../event-store/event-store.port.js';
import type { Position } from '../event-store/position.js';
import { comparePositions, positionFromString, positionToString } from '../event-store/position.js';
import { readCheckpoint } from '../projections/checkpoints.js';
import { TPS_STREAM_PREFIX, tpsStream } from '../tps/tps.events.js';
import { AnchorCheck, type AnchorSummary } from './anchor-check.js';
import type { AnchorRow } from './anchors.projection.js';
import { ChainVerifier, nextLogHead, type VerifyReport } from './chain-verifier.js';
import { allCheckpoints } from './checkpoints/checkpoint-store.js';
import type { PublicKeyInfo } from './checkpoints/checkpoint.js';
import { HeadMatcher, type HeadResult, type KeptHead } from './checkpoints/head-matcher.js';
import { GENESIS_HASH } from './event-hash.js';
import { tpsHistory, type HistoryEntry } from './tps-history.js';

const PAGE = 2000;
export const ANCHORS = 'audit-anchors';

/** Pages through the global log forwards (from the start, or after a position), TPS streams only. */
export async function* readWholeLog(store: EventStore, from: Position | 'start' = 'start'): AsyncGenerator<RecordedEvent> {
  let after: Position | 'start' = from;
  for (;;) {
    const page = await store.readAll({ after, direction: 'forwards', maxCount: PAGE });
    for (const e of page) if (e.stream.startsWith(TPS_STREAM_PREFIX)) yield e;
    if (page.length < PAGE) return;
    after = page[page.length - 1].position;
  }
}

/** The anchors up to `upTo`, in position order, a page at a time. */
export async function* readAnchors(ds: DataSource, upTo: Position | null): AsyncGenerator<AnchorRow> {
  if (!upTo) return;
  let after: [string, string] | null = null;
  for (;;) {
    const page: AnchorRow[] = await ds.query(
      `SELECT commit_pos::text, prepare_pos::text, stream, revision::int, event_id, event_hash, log_head FROM audit_anchor
       WHERE ($1::numeric IS NULL OR (commit_pos, prepare_pos) > ($1::numeric, $2::numeric))
         AND (commit_pos, prepare_pos) <= ($3::numeric, $4::numeric)
       ORDER BY audit_anchor.commit_pos, audit_anchor.prepare_pos LIMIT ${PAGE}`,
      [after?.[0] ?? null, after?.[1] ?? null, upTo.commit.toString(), upTo.prepare.toString()],
    );
    yield* page;
    if (page.length < PAGE) return;
    after = [page[page.length - 1].commit_pos, page[page.length - 1].prepare_pos];
  }
}

export interface AuditReport extends VerifyReport {
  anchors: AnchorSummary;
  /** Each head someone kept (expectHead, signed checkpoints) against the log now; any failure makes `ok` false. */
  heads: HeadResult[];
}

@Injectable()
export class AuditService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly ds: DataSource,
  ) {}

  async history(tpsId: string): Promise<HistoryEntry[]> {
    return tpsHistory(await this.store.readStream(tpsStream(tpsId)));
  }

  /**
   * Re-reads the store and checks every link of every per-stream chain, then compares the log with the anchors
   * written as each event first passed, which catches what the stream chains cannot (docs/audit.md).
   */
  async verify(kept: KeptHead[] = []): Promise<AuditReport> {
    const chains = new ChainVerifier();
    const matcher = new HeadMatcher(kept);
    // Anchors only up to the checkpoint read first: every anchored event is then already visible in the store.
    const upTo = (await readCheckpoint(this.ds, ANCHORS))?.position ?? null;
    const anchors = new AnchorCheck(upTo);
    async function* tapped(events: AsyncIterable<RecordedEvent>) {
      for await (const e of events) {
        chains.add(e);
        matcher.add(e.position, chains.head, chains.eventsCount);
        yield e;
      }
    }
    const anchorProblems = await anchors.run(tapped(readWholeLog(this.store)), readAnchors(this.ds, upTo));
    const report = chains.report();
    const broken = [...report.broken, ...anchorProblems];
    const heads = matcher.finish();
    return { ...report, ok: broken.length === 0 && heads.every((h) => h.ok), broken, anchors: anchors.summary(), heads };
  }

  /**
   * Every event as one JSON line with its hash and the log-chain head after it, for outside recomputation. The first
   * line names the signing key (`kind: 'export-header'`), the last one lists the signed checkpoints within the exported
   * events (`kind: 'checkpoints'`); event lines have no `kind`.
   */
  async *exportLines(signing: PublicKeyInfo | null = null): AsyncGenerator<string> {
    yield JSON.stringify({ kind: 'export-header', format: 'sipantaumilu-audit-export', signingKey: signing });
    let head = GENESIS_HASH;
    let last: Position | null = null;
    for await (const e of readWholeLog(this.store)) {
      head = nextLogHead(head, e);
      last = e.position;
      yield JSON.stringify({
        position: positionToString(e.position),
        stream: e.stream,
        revision: Number(e.revision),
        eventId: e.id,
        type: e.type,
        data: e.data,
        metadata: e.metadata,
        recordedAt: e.recordedAt.toISOString(),
        hash: e.metadata.hash ?? null,
        logHead: head,
      });
    }
    const checkpoints = [];
    for await (const cp of allCheckpoints(this.ds))
      if (last && comparePositions(positionFromString(cp.position), last) <= 0) checkpoints.push(cp);
    yield JSON.stringify({ kind: 'checkpoints', checkpoints });
  }
}
