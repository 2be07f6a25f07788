/**
 * Compares the store, read now, with the anchors written as each event first passed (anchors.projection.ts). Both come
 * in global position order and are merged like two sorted lists: an anchor with no event is a deleted event, an event
 * with no anchor inside the anchored range an inserted one, a different event or hash at an anchored position a
 * replaced one. Pure over its two inputs.
 */
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { comparePositions, position, positionToString, type Position } from '../event-store/position.js';
import type { AnchorRow } from './anchors.projection.js';
import { logLink, storedHash, type BrokenLink } from './chain-verifier.js';
import { GENESIS_HASH } from './event-hash.js';

export interface AnchorSummary {
  /** Anchors compared. */
  anchors: number;
  /** The anchors cover the log up to here (the audit-anchors checkpoint); null when nothing is anchored yet. */
  upTo: string | null;
  /** Events after `upTo`, not yet anchored (projection lag): checked by their hash chains only. */
  unanchored: number;
  /** Log-chain head stored with the last anchor. */
  head: string | null;
}

const anchorPosition = (a: AnchorRow): Position => position(BigInt(a.commit_pos), BigInt(a.prepare_pos));

export class AnchorCheck {
  private anchors = 0;
  private unanchored = 0;
  private head: string | null = null;
  private readonly broken: BrokenLink[] = [];

  constructor(private readonly upTo: Position | null) {}

  async run(events: AsyncIterable<RecordedEvent>, anchors: AsyncIterable<AnchorRow>): Promise<BrokenLink[]> {
    const ei = events[Symbol.asyncIterator]();
    const ai = anchors[Symbol.asyncIterator]();
    let e = await ei.next();
    let a = await ai.next();
    let chained = GENESIS_HASH;
    while (!e.done || !a.done) {
      const order = e.done ? 1 : a.done ? -1 : comparePositions(e.value.position, anchorPosition(a.value));
      if (order >= 0) {
        const anchor = a.value as AnchorRow;
        this.anchors++;
        this.head = anchor.log_head;
        if (logLink(chained, anchor.stream, anchor.revision, anchor.event_hash) !== anchor.log_head)
          this.report(anchor, 'ANCHOR_BROKEN', 'this anchor does not chain onto the anchor before it');
        chained = anchor.log_head;
        if (order > 0) this.report(anchor, 'EVENT_DELETED', `the store has no event ${anchor.event_id} any more`);
        else this.compare(e.value as RecordedEvent, anchor);
        a = await ai.next();
        if (order === 0) e = await ei.next();
      } else {
        const event = e.value as RecordedEvent;
        if (this.upTo && comparePositions(event.position, this.upTo) <= 0) {
          this.broken.push({ ...place(event), problem: 'EVENT_INSERTED', detail: 'no anchor was written for this event' });
        } else this.unanchored++;
        e = await ei.next();
      }
    }
    return this.broken;
  }

  summary(): AnchorSummary {
    return { anchors: this.anchors, upTo: this.upTo ? positionToString(this.upTo) : null, unanchored: this.unanchored, head: this.head };
  }

  private compare(e: RecordedEvent, a: AnchorRow): void {
    if (e.stream !== a.stream || Number(e.revision) !== Number(a.revision) || e.id !== a.event_id) {
      this.broken.push({ ...place(e), problem: 'EVENT_REPLACED', detail: `anchored here: ${a.stream} revision ${a.revision}` });
    } else if (storedHash(e) !== a.event_hash) {
      this.broken.push({ ...place(e), problem: 'EVENT_REPLACED', detail: 'the event hash differs from the anchored one' });
    }
  }

  private report(a: AnchorRow, problem: BrokenLink['problem'], detail: string): void {
    const at = positionToString(anchorPosition(a));
    this.broken.push({ stream: a.stream, revision: Number(a.revision), eventId: a.event_id, position: at, problem, detail });
  }
}

const place = (e: RecordedEvent) => ({
  stream: e.stream,
  revision: Number(e.revision),
  eventId: e.id,
  position: positionToString(e.position),
});
