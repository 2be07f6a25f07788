/**
 * Checks heads someone kept (a signed checkpoint, or a `logHead` noted from verify) against the log chain as verify
 * recomputes it now. Fed every TPS event's position with the running head after it, in log order. Pure.
 */
import { comparePositions, positionFromString, positionToString, type Position } from '../../event-store/position.js';

export interface KeptHead {
  /** Where the head was taken; without it the head must appear at some position of the log. */
  position?: string;
  logHead: string;
  eventsCount?: number;
  /** How the report names it (e.g. `checkpoint 12`). */
  label: string;
}

export interface HeadResult {
  label: string;
  position: string | null;
  expectedHead: string;
  /** The log's head at that position now (null: no event there any more / never seen). */
  actualHead: string | null;
  actualCount: number | null;
  ok: boolean;
  problem: 'HEAD_MISMATCH' | 'HEAD_POSITION_MISSING' | 'HEAD_NOT_IN_LOG' | null;
  detail: string;
}

interface Pending {
  kept: KeptHead;
  at: Position;
}

export class HeadMatcher {
  private readonly pinned: Pending[];
  private readonly floating = new Map<string, KeptHead[]>();
  private readonly results: HeadResult[] = [];
  private next = 0;

  constructor(kept: KeptHead[]) {
    this.pinned = kept
      .filter((k) => k.position !== undefined)
      .map((kept) => ({ kept, at: positionFromString(kept.position!) }))
      .sort((a, b) => comparePositions(a.at, b.at));
    for (const k of kept.filter((k) => k.position === undefined))
      this.floating.set(k.logHead, [...(this.floating.get(k.logHead) ?? []), k]);
  }

  /** The event at `at` moved the head to `head`; it is the `count`th TPS event of the log. */
  add(at: Position, head: string, count: number): void {
    while (this.next < this.pinned.length && comparePositions(this.pinned[this.next].at, at) <= 0) {
      const p = this.pinned[this.next++];
      if (comparePositions(p.at, at) < 0) this.missing(p.kept, `the log has no event at ${p.kept.position} any more`);
      else this.compare(p.kept, head, count);
    }
    const floating = this.floating.get(head);
    if (floating) {
      for (const k of floating) this.compare({ ...k, position: positionToString(at) }, head, count);
      this.floating.delete(head);
    }
  }

  /** Call once after the last event. */
  finish(): HeadResult[] {
    for (const p of this.pinned.slice(this.next)) this.missing(p.kept, `the log ends before ${p.kept.position}`);
    this.next = this.pinned.length;
    for (const ks of this.floating.values())
      for (const k of ks)
        this.results.push({ ...base(k), ok: false, problem: 'HEAD_NOT_IN_LOG', detail: 'no prefix of the log has this head' });
    this.floating.clear();
    return this.results;
  }

  private compare(k: KeptHead, head: string, count: number): void {
    const countOk = k.eventsCount === undefined || k.eventsCount === count;
    const ok = head === k.logHead && countOk;
    const detail = ok
      ? 'the log up to here is the one that was kept'
      : head !== k.logHead
        ? 'the log up to here was changed after this head was kept'
        : `the head matches but the kept count is ${k.eventsCount}, the log has ${count}`;
    this.results.push({ ...base(k), actualHead: head, actualCount: count, ok, problem: ok ? null : 'HEAD_MISMATCH', detail });
  }

  private missing(k: KeptHead, detail: string): void {
    this.results.push({ ...base(k), ok: false, problem: 'HEAD_POSITION_MISSING', detail });
  }
}

const base = (k: KeptHead) => ({
  label: k.label,
  position: k.position ?? null,
  expectedHead: k.logHead,
  actualHead: null,
  actualCount: null,
});
