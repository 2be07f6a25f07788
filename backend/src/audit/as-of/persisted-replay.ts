/**
 * The as-of replay persisted in PostgreSQL, so `?asOf=` at national scale (millions of events) needs neither the whole
 * log in memory nor a replay from zero. The log is folded once, in position order, with replay-step.ts (the rule the
 * in-process ReplayIndex uses too); each event's delta goes into a chunk, and every `snapshotEvery` events the
 * per-kelurahan totals are written as a snapshot. The totals after the first n events are the nearest snapshot at or
 * before n plus the deltas of at most one interval. The TPS docs the fold continues from are kept in a table, written
 * in the same transaction as the chunks and the state, so any node can continue where another stopped.
 *
 * In memory: the totals at the end of the replay and the chunk being filled (one entry per kelurahan seen), never
 * per event or per TPS.
 */
import type { DataSource } from 'typeorm';
import type { EventStore, RecordedEvent } from '../../event-store/event-store.port.js';
import { positionFromString, positionToString } from '../../event-store/position.js';
import { applyContribution, type KelurahanTotals } from '../../projections/kelurahan-tally.js';
import type { TpsDoc } from '../../projections/tps-doc.js';
import { applyDelta, stepTps, totalsOf, tpsOfEvent, type TpsPlace } from './replay-step.js';
import { AS_OF_FORMAT, chunkSizeFor, countWithin, emptyChunk, type ChunkBody } from './snapshot-format.js';
import {
  chunksBetween,
  encodeKelurahan,
  firstChunkAfter,
  loadDocs,
  readState,
  reset,
  snapshotAtOrBefore,
  StaleStateError,
  writeBatch,
  type BatchWrite,
  type BuilderState,
  type StoredChunk,
} from './snapshot-store.js';

export interface PersistedReplayOptions {
  /** Events between snapshots (AS_OF_SNAPSHOT_EVERY). */
  snapshotEvery: number;
  /** Events per stored chunk (divides snapshotEvery; default chunkSizeFor(snapshotEvery)). */
  chunkSize?: number;
  /** Events read from the log per batch and transaction. */
  pageSize?: number;
}

/** The cut of the log at a moment: its first n events. */
export interface Cut {
  n: number;
  position: string | null;
  recordedAt: Date | null;
  photoTps: number;
}

/** The replay's end: the totals after all `n` events folded so far and the chunk being filled. */
interface Tail extends BuilderState {
  lastAt: number | null;
  city: KelurahanTotals;
  kelurahan: Map<string, KelurahanTotals>;
  chunk: ChunkBody;
}

const CITY = (): KelurahanTotals => totalsOf('city', '');

export class PersistedReplay {
  readonly snapshotEvery: number;
  readonly chunkSize: number;
  private readonly pageSize: number;
  private tail: Tail | null = null;
  private loading: Promise<Tail> | null = null;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    private readonly place: (tpsId: string) => TpsPlace,
    opts: PersistedReplayOptions,
  ) {
    this.snapshotEvery = opts.snapshotEvery;
    this.chunkSize = opts.chunkSize ?? chunkSizeFor(opts.snapshotEvery);
    if (this.snapshotEvery % this.chunkSize !== 0) throw new Error('chunkSize must divide snapshotEvery');
    this.pageSize = opts.pageSize ?? 5000;
  }

  /** Events folded so far (after the last catchUp). */
  get size(): number {
    return this.tail?.n ?? 0;
  }

  /**
   * Folds what the log gained since the last call; one run at a time per process, the others wait for it. A background
   * run passes `yieldWhile`: asked before each batch, true stops the run there (a question later folds the rest).
   */
  catchUp(yieldWhile?: () => Promise<boolean>): Promise<void> {
    this.running = this.running.catch(() => undefined).then(() => this.run(yieldWhile));
    return this.running;
  }

  /** Waits for the run in flight, if any (shutdown). */
  /**
   * Stops folding at the next step (a shutdown): a fold runs several round trips per page, and a slow database made
   * waiting for the whole page outlast the 15-second shutdown. What was not written is folded by the next start.
   */
  stop(): void {
    this.stopped = true;
  }

  settled(): Promise<void> {
    return this.running.catch(() => undefined);
  }

  /**
   * Whether the events folded so far settle the cut at `asOfMs`: one of them was recorded after it, so later events
   * cannot count (the cut is a prefix of the log) and no catchUp is needed.
   */
  async settles(asOfMs: number): Promise<boolean> {
    return (await this.loadedTail()).maxAt > asOfMs;
  }

  /** The longest prefix of the log whose events were all recorded by `asOfMs` (as of the last catchUp). */
  async cutAt(asOfMs: number): Promise<Cut> {
    const tail = await this.loadedTail();
    if (tail.maxAt <= asOfMs) return this.tailCut(tail);
    const chunk = await firstChunkAfter(this.ds, asOfMs);
    if (!chunk) return this.tailCut(tail);
    const i = countWithin(chunk.body.max, asOfMs);
    const n = chunk.firstN + i;
    if (n === 0) return { n: 0, position: null, recordedAt: null, photoTps: 0 };
    const holder = i > 0 ? chunk : (await chunksBetween(this.ds, n - 1, n, this.chunkSize))[0];
    const j = n - 1 - holder.firstN;
    return { n, position: holder.body.pos[j], recordedAt: new Date(holder.body.at[j]), photoTps: holder.body.photo[j] };
  }

  /** The city totals and (when asked) the per-kelurahan totals after the first `n` events (n <= size). */
  async totalsAt(n: number, withKelurahan: boolean): Promise<{ city: KelurahanTotals; kelurahan: Map<string, KelurahanTotals> }> {
    const tail = await this.loadedTail();
    if (n === tail.n) return { city: tail.city, kelurahan: withKelurahan ? new Map(tail.kelurahan) : new Map() };
    const snap = await snapshotAtOrBefore(this.ds, n, withKelurahan);
    const point = { n: snap?.n ?? 0, city: snap?.city ?? CITY(), kelurahan: snap?.kelurahan ?? new Map<string, KelurahanTotals>() };
    for (const c of await chunksBetween(this.ds, point.n, n, this.chunkSize)) replayChunk(point, c, n, withKelurahan);
    return point;
  }

  private tailCut(t: Tail): Cut {
    return { n: t.n, position: t.position, recordedAt: t.lastAt === null ? null : new Date(t.lastAt), photoTps: t.photoTps };
  }

  private async loadedTail(): Promise<Tail> {
    if (this.tail) return this.tail;
    // One load at a time: a question and a catch-up arriving together share it.
    this.loading ??= this.loadTail().finally(() => (this.loading = null));
    const loaded = await this.loading;
    this.tail ??= loaded;
    return this.tail;
  }

  private async run(yieldWhile?: () => Promise<boolean>): Promise<void> {
    for (;;) {
      if (this.stopped || (yieldWhile && (await yieldWhile()))) return;
      const tail = await this.loadedTail();
      if (this.stopped) return;
      const page = await this.store.readAll({
        after: tail.position ? positionFromString(tail.position) : 'start',
        direction: 'forwards',
        maxCount: this.pageSize,
      });
      if (!page.length || this.stopped) return;
      // Folded into a copy, which becomes the tail once written: a question meanwhile sees only what is stored.
      const next = copyTail(tail);
      const write = await this.fold(next, page);
      if (this.stopped) return;
      try {
        await writeBatch(this.ds, tail.n, write);
      } catch (e) {
        if (!(e instanceof StaleStateError)) throw e;
        this.tail = null; // another node wrote this stretch: continue from its state
        continue;
      }
      this.tail = next;
      if (page.length < this.pageSize) return;
    }
  }

  /** Folds a page onto `tail` (a copy, changed in place) and returns what to write. */
  private async fold(tail: Tail, page: RecordedEvent[]): Promise<BatchWrite> {
    const ids = [...new Set(page.map(tpsOfEvent).filter((id): id is string => id !== null))];
    const docs = await loadDocs(this.ds, ids);
    const changed = new Map<string, TpsDoc>();
    const chunks: StoredChunk[] = [];
    const snapshots: BatchWrite['snapshots'] = [];
    for (const e of page) {
      const at = e.recordedAt.getTime();
      tail.maxAt = Math.max(tail.maxAt, at);
      tail.lastAt = at;
      tail.position = positionToString(e.position);
      const id = tpsOfEvent(e);
      let kel: string | null = null;
      let delta = null;
      if (id !== null) {
        const r = stepTps(docs.get(id) ?? null, e, this.place);
        docs.set(id, r.after);
        changed.set(id, r.after);
        if (r.firstPhoto) tail.photoTps++;
        if (r.delta) {
          kel = r.kelurahanCode;
          delta = r.delta;
          tail.chunk.kec[kel] = r.kecamatanCode;
          tail.city = applyContribution(tail.city, r.delta, 1);
          applyDelta(tail.kelurahan, kel, r.kecamatanCode, r.delta, 1);
        }
      }
      const c = tail.chunk;
      c.at.push(at);
      c.max.push(tail.maxAt);
      c.pos.push(tail.position);
      c.kel.push(kel);
      c.d.push(delta);
      c.photo.push(tail.photoTps);
      tail.n++;
      if (c.at.length === this.chunkSize) {
        chunks.push({ firstN: tail.n - c.at.length, body: c });
        tail.chunk = emptyChunk();
      }
      if (tail.n % this.snapshotEvery === 0) snapshots.push({ n: tail.n, city: tail.city, kelurahan: encodeKelurahan(tail.kelurahan) });
    }
    if (tail.chunk.at.length) chunks.push({ firstN: tail.n - tail.chunk.at.length, body: tail.chunk });
    return { docs: [...changed.values()], chunks, snapshots, state: stateOf(tail) };
  }

  /** The stored state, its newest snapshot and the chunks after it; a state of another format or interval is reset. */
  private async loadTail(): Promise<Tail> {
    let state = await readState(this.ds);
    if (!state || state.format !== AS_OF_FORMAT || state.snapshotEvery !== this.snapshotEvery || state.chunkSize !== this.chunkSize)
      state = await reset(this.ds, this.snapshotEvery, this.chunkSize);
    const snap = await snapshotAtOrBefore(this.ds, state.n, true);
    const point = { n: snap?.n ?? 0, city: snap?.city ?? CITY(), kelurahan: snap?.kelurahan ?? new Map<string, KelurahanTotals>() };
    // From the chunk holding the last event at least: its time and position are the tail's.
    const chunks = await chunksBetween(this.ds, Math.max(0, Math.min(point.n, state.n - 1)), state.n, this.chunkSize);
    for (const c of chunks) replayChunk(point, c, state.n, true);
    const last = chunks[chunks.length - 1];
    const partial =
      last && last.firstN + last.body.at.length === state.n && last.body.at.length < this.chunkSize ? last.body : emptyChunk();
    return {
      ...state,
      maxAt: state.n === 0 ? -Infinity : state.maxAt,
      lastAt: last ? last.body.at[last.body.at.length - 1] : null,
      city: point.city,
      kelurahan: point.kelurahan,
      chunk: partial,
    };
  }
}

function copyTail(t: Tail): Tail {
  const c = t.chunk;
  return {
    ...t,
    kelurahan: new Map(t.kelurahan),
    chunk: { at: [...c.at], max: [...c.max], pos: [...c.pos], kel: [...c.kel], d: [...c.d], photo: [...c.photo], kec: { ...c.kec } },
  };
}

function stateOf(t: Tail): BuilderState {
  return {
    format: t.format,
    snapshotEvery: t.snapshotEvery,
    chunkSize: t.chunkSize,
    n: t.n,
    position: t.position,
    photoTps: t.photoTps,
    maxAt: t.maxAt,
  };
}

/** Applies the chunk's events up to (not including) event `to` onto the point, from the point's own n. */
function replayChunk(
  point: { n: number; city: KelurahanTotals; kelurahan: Map<string, KelurahanTotals> },
  c: StoredChunk,
  to: number,
  withKelurahan: boolean,
): void {
  const end = Math.min(to, c.firstN + c.body.at.length);
  for (let i = point.n; i < end; i++) {
    const j = i - c.firstN;
    const d = c.body.d[j];
    const kel = c.body.kel[j];
    if (!d || kel === null) continue;
    point.city = applyContribution(point.city, d, 1);
    if (withKelurahan) applyDelta(point.kelurahan, kel, c.body.kec[kel], d, 1);
  }
  point.n = Math.max(point.n, end);
}
