/**
 * The time slider's state: a moment on election day and the city as it stood then, replayed from the log by the
 * server (`?asOf=` on /api/summary and /api/kelurahan, docs/audit.md). Requests are debounced while the slider is
 * dragged, and an answer that arrives after a newer request was sent is dropped, so the screen always ends on the
 * moment the slider rests at.
 */
import type { KelurahanSummary, Summary } from '$contract';
import { apiGet } from '../lib/api.ts';
import { getMeta, problem } from './audit-api.ts';

const MINUTE = 60_000;
/** Counting and the recap run into the night: the slider spans election day and the morning after. */
const SPAN_HOURS = 36;
const DEBOUNCE_MS = 250;

export interface AsOfView {
  /** Epoch ms of the moment the numbers are for. */
  at: number;
  summary: Summary;
  kelurahan: KelurahanSummary[];
}

export class Replay {
  electionDate = $state<string | null>(null);
  /** Election day 00:00 WIB, epoch ms. */
  start = $state(0);
  /** Last minute the slider reaches: the end of the span, or now while election day is still running. */
  lastMinute = $state(0);
  /** The moment asked for (epoch ms), moving with the slider before any answer. */
  at = $state(0);
  shown = $state.raw<AsOfView | null>(null);
  error = $state<string | null>(null);
  pending = $derived(this.shown === null || this.shown.at !== this.at);
  minute = $derived(Math.round((this.at - this.start) / MINUTE));

  private end = 0;
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  async init(): Promise<void> {
    try {
      const meta = await getMeta();
      this.electionDate = meta.electionDate;
      this.start = Date.parse(`${meta.electionDate}T00:00:00+07:00`);
      this.end = this.start + SPAN_HOURS * 60 * MINUTE;
      this.latest();
    } catch (e) {
      this.error = problem(e);
    }
  }

  /** From the slider: the moment moves now, the request waits until the slider rests. */
  pick(minute: number): void {
    this.at = Math.min(this.start + Math.max(minute, 0) * MINUTE, this.reach());
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load(this.at), DEBOUNCE_MS);
  }

  /** The end of the slider: now while election day runs, else the end of the span. */
  latest(): void {
    if (this.timer) clearTimeout(this.timer);
    this.at = this.reach();
    void this.load(this.at);
  }

  /** The latest moment there can be data for; moves the slider's end along while election day runs. */
  private reach(): number {
    const reach = Math.max(this.start, Math.min(this.end, Date.now()));
    this.lastMinute = Math.floor((reach - this.start) / MINUTE);
    return reach;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.seq++;
  }

  private async load(at: number): Promise<void> {
    const mine = ++this.seq;
    // A throwaway value for the URL, never rendered: nothing for SvelteDate to track.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const asOf = encodeURIComponent(new Date(at).toISOString());
    try {
      const [summary, kelurahan] = await Promise.all([
        apiGet<Summary>(`/api/summary?asOf=${asOf}`),
        apiGet<KelurahanSummary[]>(`/api/kelurahan?asOf=${asOf}`),
      ]);
      if (mine !== this.seq) return;
      this.error = null;
      this.shown = { at, summary, kelurahan };
    } catch (e) {
      if (mine === this.seq) this.error = problem(e);
    }
  }
}
