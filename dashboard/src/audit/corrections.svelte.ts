/** The corrections list: filters, the pages loaded so far, and "muat lagi" by the server's `next` cursor. */
import { apiGet } from '../lib/api.ts';
import { problem, query, type CorrectionItem } from './audit-api.ts';

export interface CorrectionFilters {
  kecamatan: string;
  kelurahan: string;
  actor: string;
  /** `YYYY-MM-DDTHH:MM` from a datetime-local input, read as WIB. */
  since: string;
  until: string;
}

export const emptyFilters = (): CorrectionFilters => ({ kecamatan: '', kelurahan: '', actor: '', since: '', until: '' });

const PAGE = 50;
// since covers its whole first minute and until its whole last one, as a person reading "14:30" means.
const wibStart = (v: string) => (v ? `${v}:00+07:00` : undefined);
const wibEnd = (v: string) => (v ? `${v}:59.999+07:00` : undefined);

export class Corrections {
  rows = $state.raw<CorrectionItem[]>([]);
  next = $state<string | null>(null);
  loaded = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  applied = $state.raw<CorrectionFilters>(emptyFilters());
  private seq = 0;

  apply(f: CorrectionFilters): Promise<void> {
    this.applied = { ...f, actor: f.actor.trim() };
    this.rows = [];
    this.next = null;
    this.loaded = false;
    this.seq++;
    return this.more();
  }

  async more(): Promise<void> {
    const mine = this.seq;
    const f = this.applied;
    this.loading = true;
    this.error = null;
    try {
      const page = await apiGet<{ corrections: CorrectionItem[]; next: string | null }>(
        `/api/audit/corrections${query({
          kecamatan: f.kelurahan ? '' : f.kecamatan,
          kelurahan: f.kelurahan,
          actor: f.actor,
          since: wibStart(f.since),
          until: wibEnd(f.until),
          before: this.next,
          limit: String(PAGE),
        })}`,
      );
      if (mine !== this.seq) return;
      this.rows = [...this.rows, ...page.corrections];
      this.next = page.next;
      this.loaded = true;
    } catch (e) {
      if (mine === this.seq) this.error = problem(e);
    } finally {
      if (mine === this.seq) this.loading = false;
    }
  }
}
