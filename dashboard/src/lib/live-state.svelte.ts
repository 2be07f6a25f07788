import { SvelteMap } from 'svelte/reactivity';
import {
  comparePositionStrings,
  type CoverageRow,
  type CoverageUpdate,
  type IncidentView,
  type KelurahanSummary,
  type LiveHeartbeat,
  type ResumeAnswer,
  type Summary,
  type TpsView,
} from '$contract';
import type { AreaNode } from '../area/area-types.ts';

export type ConnectionStatus = 'connecting' | 'live' | 'lagging' | 'down';

/** No message or heartbeat for this long on an open connection: the screen says it may be behind. */
export const SILENCE_MS = 15_000;
/** How long a first resume waits for a screen's start position (LiveState.startPosition). */
const START_POSITION_WAIT_MS = 5_000;

/**
 * What the wall shows, fed by the one socket module. Each item remembers the position it came with and ignores
 * anything older, so a late message or a resume answer that crossed a broadcast can never move the screen backwards.
 * Item values are replaced whole (never mutated), so the maps hold them unproxied.
 */
export class LiveState {
  summary = $state.raw<Summary | null>(null);
  /** City coverage counts from the live push; the rows it carried are merged into `coverageRows`. */
  coverage = $state.raw<Omit<CoverageUpdate, 'rows'> | null>(null);
  readonly coverageRows = new SvelteMap<string, CoverageRow>();
  readonly kelurahan = new SvelteMap<string, KelurahanSummary>();
  readonly tps = new SvelteMap<string, TpsView>();
  readonly incidents = new SvelteMap<string, IncidentView>();
  /** Areas of any level the drill-down has shown, by code ('' is the nation), from GET /api/areas and `area:updated`. */
  readonly areas = new SvelteMap<string, AreaNode>();
  status = $state<ConnectionStatus>('connecting');
  /** Client time (epoch ms) of the last applied change. */
  lastUpdate = $state<number | null>(null);
  /**
   * Counters that move when a TPS or a message to monitors changed: screens that read other routes (the posko's roll
   * call and sent messages) reload on them instead of polling.
   */
  tpsTick = $state(0);
  messagesTick = $state(0);
  /**
   * Counts applied resumes. A resume carries no areas: a screen showing areas (the drill-down) reads them again when
   * it moves, since `area:updated` messages may have been missed while the socket was away.
   */
  resumes = $state(0);
  /** True once a snapshot has been applied: before that the screen says it is loading. */
  ready = $state(false);

  /** What a reconnect resumes from: the highest position applied since this connection's resume answer. */
  position: string | null = null;
  /**
   * Broadcasts that arrive on a new connection before its resume answer may be newer than changes the client has not
   * yet received; counting them would let the next resume skip those changes if the connection drops again.
   */
  private synced = false;
  private lastSignal = 0;
  private previousBeat: string | null = null;
  // Bookkeeping only, never rendered: a plain Map keeps it out of Svelte's reactivity.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly at = new Map<string, string | null>();

  incidentsNewestFirst = $derived(
    [...this.incidents.values()].sort((a, b) => (a.reportedAt < b.reportedAt ? 1 : a.reportedAt > b.reportedAt ? -1 : 0)),
  );

  /** Applies `data` under `key` when `position` is not older than what is held; true when applied. */
  private fresh(key: string, position: string | null): boolean {
    if (comparePositionStrings(position, this.at.get(key) ?? null) < 0) return false;
    this.at.set(key, position);
    if (this.synced && comparePositionStrings(position, this.position) > 0) this.position = position;
    return true;
  }

  private touched(): void {
    this.lastUpdate = Date.now();
    this.lastSignal = Date.now();
  }

  setSummary(position: string | null, s: Summary): void {
    if (this.fresh('summary', position)) this.summary = s;
  }
  /** The push carries only the kelurahan a change touched (GET /api/coverage has the rows, a page at a time). */
  setCoverage(position: string | null, { rows, ...counts }: CoverageUpdate): void {
    if (this.fresh('coverage', position)) this.coverage = counts;
    for (const r of rows) if (this.fresh(`cov:${r.kelurahanCode}`, position)) this.coverageRows.set(r.kelurahanCode, r);
  }
  setKelurahan(position: string | null, k: KelurahanSummary): void {
    if (this.fresh(`kel:${k.code}`, position)) this.kelurahan.set(k.code, k);
  }
  setTps(position: string | null, t: TpsView): void {
    if (this.fresh(`tps:${t.id}`, position)) {
      this.tps.set(t.id, t);
      this.tpsTick++;
    }
  }
  /** Messages to monitors were sent or read (the push carries ids only). */
  messagesChanged(): void {
    this.messagesTick++;
  }
  setArea(position: string | null, a: AreaNode): void {
    if (this.fresh(`area:${a.code}`, position)) this.areas.set(a.code, a);
  }
  setIncident(position: string | null, i: IncidentView): void {
    if (this.fresh(`inc:${i.incidentId}`, position)) this.incidents.set(i.incidentId, i);
  }

  /**
   * Back to following everything after following one area: messages outside that area were not received meanwhile, so
   * the next resume starts from where the narrowing began (never later than what is held).
   */
  rewindTo(position: string | null): void {
    if (comparePositionStrings(position, this.position) < 0) this.position = position;
  }

  /**
   * Set by a screen that reads its own numbers (the wall's drill-down under a national or provincial root): resolves
   * to the position of its first answer, or null for the whole picture. Until a first resume is applied, the socket
   * then resumes from that position (only what changed since) instead of a snapshot of every kelurahan and TPS, which
   * at national size is hundreds of megabytes.
   */
  startPosition: Promise<string | null> | null = null;

  /** Before a resume: adopt the start position, if a screen gave one and nothing was applied yet. */
  async takeStartPosition(): Promise<void> {
    const pending = this.startPosition;
    if (!pending || this.ready || this.position !== null) return;
    // Never held up for long by a slow answer: without it the socket takes the whole picture, as before.
    const late = new Promise<null>((done) => setTimeout(() => done(null), START_POSITION_WAIT_MS));
    const p = await Promise.race([pending.catch(() => null), late]);
    this.startPosition = null;
    if (p !== null && !this.ready && this.position === null) this.position = p;
  }

  /** After a broadcast batch was applied. */
  changed(): void {
    this.touched();
  }

  applyResume(a: ResumeAnswer): void {
    this.synced = true;
    if (a.mode === 'snapshot') {
      // The snapshot is the whole truth: drop what it no longer holds, and let its items replace newer-stamped ones.
      this.at.clear();
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, never rendered
      const kept = new Set(a.tps.map((t) => t.id));
      for (const id of [...this.tps.keys()]) if (!kept.has(id)) this.tps.delete(id);
      this.incidents.clear();
    }
    this.setSummary(a.position, a.summary);
    for (const k of a.kelurahan) this.setKelurahan(a.position, k);
    for (const t of a.tps) this.setTps(a.position, t);
    for (const i of a.incidents) this.setIncident(a.position, i);
    this.ready = true;
    this.resumes++;
    // A message read while the socket was away has no TPS to resume: let the screens that list messages reload.
    this.messagesTick++;
    this.status = 'live';
    this.previousBeat = null;
    this.touched();
  }

  /** A heartbeat: true when the screen is behind the previous beat, i.e. something was missed and a resume is due. */
  heartbeat(h: LiveHeartbeat): boolean {
    this.lastSignal = Date.now();
    const behind = this.previousBeat !== null && comparePositionStrings(this.position, this.previousBeat) < 0;
    this.previousBeat = h.position;
    if (behind) this.status = 'lagging';
    else if (this.status === 'lagging') this.status = 'live';
    return behind;
  }

  /** Called every few seconds: an open but silent connection is shown as lagging. */
  checkSilence(now = Date.now()): void {
    if (this.status === 'live' && now - this.lastSignal > SILENCE_MS) this.status = 'lagging';
  }

  connected(): void {
    this.synced = false;
    this.lastSignal = Date.now();
  }

  down(): void {
    this.synced = false;
    this.status = 'down';
  }
}

export const live = new LiveState();
