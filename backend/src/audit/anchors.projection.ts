/**
 * `audit-anchors`: for every TPS event, in global log order, its place (stream, revision, id), its per-stream hash and
 * the running log-chain head after it. The per-stream chains cannot see the last event of a stream removed, nor a whole
 * stream rewritten with fresh hashes; the anchors, written when the event first passed, can. Design: docs/audit.md.
 */
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { DomainError } from '../http/domain-error.js';
import type { QueryRunner } from 'typeorm';
import { RowsBulk } from '../projections/bulk-rows.js';
import {
  NO_EFFECT,
  posParams,
  rows,
  table,
  type BatchContext,
  type BatchEffect,
  type BulkContext,
  type BulkFold,
  type Projection,
} from '../projections/projection.js';
import { TPS_EVENT_TYPES } from '../tps/tps.events.js';
import { logLink, storedHash } from './chain-verifier.js';
import { GENESIS_HASH } from './event-hash.js';

export interface AnchorRow {
  commit_pos: string;
  prepare_pos: string;
  stream: string;
  revision: number;
  event_id: string;
  event_hash: string;
  log_head: string;
}

/** Anchors for consecutive events, chained onto `head` (pure). */
export function anchorRows(head: string, events: RecordedEvent[]): AnchorRow[] {
  return events.map((e) => {
    head = logLink(head, e.stream, e.revision, storedHash(e));
    const [commit, prepare] = posParams(e.position);
    return {
      commit_pos: commit,
      prepare_pos: prepare,
      stream: e.stream,
      revision: Number(e.revision),
      event_id: e.id,
      event_hash: storedHash(e),
      log_head: head,
    };
  });
}

const pos = (r: { commit_pos: string; prepare_pos: string }) => `${r.commit_pos}/${r.prepare_pos}`;

/** A rebuild derived something else than the live anchor `a`: it stops, and the anchors are kept. */
function disagreement(a: Pick<AnchorRow, 'commit_pos' | 'prepare_pos' | 'stream' | 'revision'>): DomainError {
  return new DomainError(
    'AUDIT.ANCHORS_DISAGREE',
    409,
    `The log no longer matches its audit anchors at ${pos(a)} (${a.stream} revision ${a.revision}); the anchors are kept: run audit:verify`,
    { position: pos(a), stream: a.stream, revision: a.revision },
  );
}

export class AuditAnchorsProjection implements Projection {
  readonly name = 'audit-anchors';
  readonly handles: ReadonlySet<string> = new Set(TPS_EVENT_TYPES);
  readonly tables = ['audit_anchor'] as const;

  /**
   * The rebuild's path: the chain runs on in memory across pages, the rows go in by COPY, and once all are in, one
   * query compares them with the live anchors over the same range (refuseToLaunder's check, for the whole log at once).
   */
  bulk(ctx: BulkContext): BulkFold {
    let head = GENESIS_HASH;
    let last: string[] | null = null;
    const rowsOf = (events: RecordedEvent[]) => {
      const out = anchorRows(head, events);
      head = out[out.length - 1]?.log_head ?? head;
      if (out.length > 0) last = posParams(events[events.length - 1].position);
      return out;
    };
    const check = async (tx: QueryRunner) => {
      if (!last) return;
      const [a] = await rows<AnchorRow>(
        tx,
        `SELECT l.commit_pos::text, l.prepare_pos::text, l.stream, l.revision::int FROM public.audit_anchor l
         LEFT JOIN ${table(ctx.schema, 'audit_anchor')} d ON d.commit_pos = l.commit_pos AND d.prepare_pos = l.prepare_pos
         WHERE (l.commit_pos, l.prepare_pos) <= ($1::numeric, $2::numeric) AND d.log_head IS DISTINCT FROM l.log_head
         ORDER BY l.commit_pos, l.prepare_pos LIMIT 1`,
        last,
      );
      if (a) throw disagreement(a);
    };
    return new RowsBulk(ctx, 'audit_anchor', rowsOf, check);
  }

  async apply({ tx, schema }: BatchContext, events: RecordedEvent[]): Promise<BatchEffect> {
    const t = table(schema, 'audit_anchor');
    const [first, last] = [posParams(events[0].position), posParams(events[events.length - 1].position)];
    // The head before this batch is the anchor right before its first event (not the table's last row, which a
    // re-application after a checkpoint reset may already have written).
    const [prev] = await rows<{ log_head: string; commit_pos: string; prepare_pos: string }>(
      tx,
      `SELECT log_head, commit_pos::text, prepare_pos::text FROM ${t} a WHERE (commit_pos, prepare_pos) < ($1::numeric, $2::numeric)
       ORDER BY a.commit_pos DESC, a.prepare_pos DESC LIMIT 1`,
      first,
    );
    const out = anchorRows(prev?.log_head ?? GENESIS_HASH, events);
    if (schema !== 'public') await this.refuseToLaunder(tx, prev ?? null, last, out);
    // Columns as arrays: PostgreSQL unnests them much faster than it takes rows apart from one JSON document.
    const col = <K extends keyof AnchorRow>(k: K) => out.map((a) => a[k]);
    await tx.query(
      `INSERT INTO ${t} (commit_pos, prepare_pos, stream, revision, event_id, event_hash, log_head)
       SELECT * FROM unnest($1::numeric[], $2::numeric[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[])
       ON CONFLICT (commit_pos, prepare_pos) DO UPDATE SET stream = EXCLUDED.stream, revision = EXCLUDED.revision,
         event_id = EXCLUDED.event_id, event_hash = EXCLUDED.event_hash, log_head = EXCLUDED.log_head`,
      [col('commit_pos'), col('prepare_pos'), col('stream'), col('revision'), col('event_id'), col('event_hash'), col('log_head')],
    );
    return NO_EFFECT;
  }

  /**
   * A rebuild re-derives anchors from the store as it is now; after tampering that would bless the tampered log. So a
   * rebuild compares what it derives with the live anchors over the same range and stops at the first disagreement
   * (a deleted tail is caught by the rebuild ending behind the live checkpoint).
   */
  private async refuseToLaunder(
    tx: BatchContext['tx'],
    prev: { commit_pos: string; prepare_pos: string } | null,
    last: string[],
    derived: AnchorRow[],
  ): Promise<void> {
    const live = await rows<AnchorRow>(
      tx,
      `SELECT commit_pos::text, prepare_pos::text, stream, revision::int, event_id, event_hash, log_head FROM public.audit_anchor
       WHERE ($1::numeric IS NULL OR (commit_pos, prepare_pos) > ($1::numeric, $2::numeric))
         AND (commit_pos, prepare_pos) <= ($3::numeric, $4::numeric)`,
      [prev?.commit_pos ?? null, prev?.prepare_pos ?? null, ...last],
    );
    const mine = new Map(derived.map((a) => [pos(a), a]));
    for (const a of live) {
      const d = mine.get(pos(a));
      if (!d || d.log_head !== a.log_head) throw disagreement(a);
    }
  }
}
