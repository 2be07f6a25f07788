/**
 * The log replayed in process, kept as what each event did to its kelurahan's totals (replay-step.ts): the from-zero
 * reference the persisted replay (persisted-replay.ts, what `?asOf=` answers from) is tested against. Snapshots of the
 * per-kelurahan totals every `snapshotEvery` events (thinned to at most `maxSnapshots`) and the current state are the
 * walk's starting points; deltas are invertible, so a walk may also go backwards from the nearer point. Pure; holds
 * every event in memory, so it is for tests and small logs only.
 */
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { positionToString } from '../../event-store/position.js';
import { applyContribution, type Contribution, type KelurahanTotals } from '../../projections/kelurahan-tally.js';
import type { TpsDoc } from '../../projections/tps-doc.js';
import { applyDelta, stepTps, totalsOf, tpsOfEvent, type TpsPlace } from './replay-step.js';

export type { TpsPlace } from './replay-step.js';
export { deltaOf } from './replay-step.js';

export interface ReplayOptions {
  snapshotEvery: number;
  maxSnapshots: number;
}

/** The state of the log after its first `n` events. */
export interface ReplayPoint {
  n: number;
  city: KelurahanTotals;
  kelurahan: Map<string, KelurahanTotals>;
}

export class ReplayIndex {
  private readonly docs = new Map<string, TpsDoc>();
  private readonly kecamatanOf = new Map<string, string>();
  /** Status-only deltas (check-ins, incidents) repeat: one shared object per distinct delta. */
  private readonly shared = new Map<string, Contribution>();
  private prefixMaxAt = new Float64Array(1024);
  private recordedAt = new Float64Array(1024);
  /** TPS with at least one photo after event i (never falls: photos are not removed). */
  private photoTps = new Int32Array(1024);
  private readonly positions: string[] = [];
  private readonly kelurahanOf: (string | null)[] = [];
  private readonly deltas: (Contribution | null)[] = [];
  private snapshots: ReplayPoint[] = [];
  private readonly tail: ReplayPoint = { n: 0, city: totalsOf('city', ''), kelurahan: new Map() };
  private every: number;

  constructor(
    private readonly place: (tpsId: string) => TpsPlace,
    private readonly opts: ReplayOptions = { snapshotEvery: 1000, maxSnapshots: 64 },
  ) {
    this.every = opts.snapshotEvery;
  }

  get size(): number {
    return this.positions.length;
  }

  get lastPosition(): string | null {
    return this.positions[this.size - 1] ?? null;
  }

  get snapshotCount(): number {
    return this.snapshots.length;
  }

  /** Appends the next event of the log (callers feed the whole log in position order, every stream). */
  add(e: RecordedEvent): void {
    const i = this.size;
    if (i === this.recordedAt.length) this.grow();
    const at = e.recordedAt.getTime();
    this.recordedAt[i] = at;
    this.prefixMaxAt[i] = i === 0 ? at : Math.max(at, this.prefixMaxAt[i - 1]);
    this.positions.push(positionToString(e.position));
    let kel: string | null = null;
    let delta: Contribution | null = null;
    let photoTpsNow = i === 0 ? 0 : this.photoTps[i - 1];
    const id = tpsOfEvent(e);
    if (id !== null) {
      const r = stepTps(this.docs.get(id) ?? null, e, (tpsId) => this.placed(tpsId));
      this.docs.set(id, r.after);
      if (r.firstPhoto) photoTpsNow++;
      kel = r.kelurahanCode;
      this.kecamatanOf.set(r.kelurahanCode, r.kecamatanCode);
      delta = this.intern(r.delta);
    }
    this.photoTps[i] = photoTpsNow;
    this.kelurahanOf.push(kel);
    this.deltas.push(delta);
    this.step(this.tail, i, 1);
    this.tail.n = i + 1;
    if (this.tail.n % this.every === 0) this.snapshot();
  }

  /** How many events count at `asOfMs`: the longest prefix of the log whose events were all recorded by then. */
  countAt(asOfMs: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.prefixMaxAt[mid] <= asOfMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  positionAt(n: number): string | null {
    return n > 0 ? this.positions[n - 1] : null;
  }

  recordedAtOf(n: number): Date | null {
    return n > 0 ? new Date(this.recordedAt[n - 1]) : null;
  }

  /** TPS with a C.Hasil photo after the first `n` events. */
  photoTpsAt(n: number): number {
    return n > 0 ? this.photoTps[n - 1] : 0;
  }

  /** City totals after the first `n` events. */
  cityAt(n: number): KelurahanTotals {
    return this.walk(n, false).city;
  }

  /** Per-kelurahan totals after the first `n` events. */
  kelurahanAt(n: number): Map<string, KelurahanTotals> {
    return this.walk(n, true).kelurahan;
  }

  private walk(n: number, withKelurahan: boolean): ReplayPoint {
    // Start from the nearest known point: the empty log, a snapshot or the current state.
    let base: ReplayPoint = { n: 0, city: totalsOf('city', ''), kelurahan: new Map() };
    for (const s of [...this.snapshots, this.tail]) if (Math.abs(s.n - n) < Math.abs(base.n - n)) base = s;
    const point: ReplayPoint = { n: base.n, city: base.city, kelurahan: withKelurahan ? new Map(base.kelurahan) : new Map() };
    const kelOnly = withKelurahan ? point : null;
    if (n >= base.n) for (let i = base.n; i < n; i++) this.step(point, i, 1, kelOnly);
    else for (let i = base.n - 1; i >= n; i--) this.step(point, i, -1, kelOnly);
    point.n = n;
    return point;
  }

  private step(point: ReplayPoint, i: number, sign: 1 | -1, kel: ReplayPoint | null = point): void {
    const d = this.deltas[i];
    if (!d) return;
    point.city = applyContribution(point.city, d, sign);
    if (!kel) return;
    const code = this.kelurahanOf[i]!;
    applyDelta(kel.kelurahan, code, this.kecamatanOf.get(code)!, d, sign);
  }

  /** Snapshots share the immutable totals objects: a snapshot costs one map entry per kelurahan. */
  private snapshot(): void {
    this.snapshots.push({ n: this.tail.n, city: this.tail.city, kelurahan: new Map(this.tail.kelurahan) });
    if (this.snapshots.length > this.opts.maxSnapshots) {
      // Keep memory bounded as the log grows: every other snapshot goes, the interval doubles.
      this.every *= 2;
      this.snapshots = this.snapshots.filter((s) => s.n % this.every === 0);
    }
  }

  private placed(id: string): TpsPlace {
    const p = this.place(id);
    this.kecamatanOf.set(p.kelurahanCode, p.kecamatanCode);
    return p;
  }

  private intern(d: Contribution | null): Contribution | null {
    if (!d || Object.keys(d.contests).length > 0) return d;
    const key = JSON.stringify(d.status);
    return this.shared.get(key) ?? (this.shared.set(key, d), d);
  }

  private grow(): void {
    const more = (a: Float64Array) => {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.prefixMaxAt = more(this.prefixMaxAt);
    this.recordedAt = more(this.recordedAt);
    const photos = new Int32Array(this.photoTps.length * 2);
    photos.set(this.photoTps);
    this.photoTps = photos;
  }
}
