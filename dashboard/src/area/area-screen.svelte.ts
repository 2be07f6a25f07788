import type { Estimate } from '$contract';
import { ApiError } from '../lib/api.ts';
import type { LiveState } from '../lib/live-state.svelte.ts';
import { fetchArea } from './area-api.ts';
import type { AreaNode, AreaView } from './area-types.ts';

/** A re-read of the shown area's quick count after its numbers moved, at most this often (the push has no estimate). */
const ESTIMATE_REFRESH_MS = 2000;

/**
 * One area of the drill-down: its view from GET /api/areas (parents, child level, the children's codes, page by page)
 * and its numbers, held in LiveState.areas so `area:updated` keeps them current. The quick count is re-read shortly
 * after the area's numbers moved.
 */
export class AreaScreen {
  view = $state.raw<AreaView | null>(null);
  childCodes = $state.raw<string[]>([]);
  nextCursor = $state<string | null>(null);
  estimate = $state.raw<Estimate | null>(null);
  error = $state<string | null>(null);
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastSeen: AreaNode | undefined;

  constructor(
    /** null: the configured root. */
    readonly code: string | null,
    private readonly live: LiveState,
  ) {}

  async load(): Promise<void> {
    try {
      await this.read();
    } catch (e) {
      this.error = e instanceof ApiError && e.code === 'AREA.NOT_FOUND' ? 'not_found' : e instanceof ApiError ? e.code : 'network';
    }
  }

  /** Reads the area and its first page of children again (after a reconnect: `area:updated` may have been missed). */
  async reload(): Promise<void> {
    try {
      await this.read();
    } catch {
      // the next reconnect or push tries again
    }
  }

  /** The area and its first page of children, into this screen's state. */
  private async read(): Promise<void> {
    const v = await fetchArea(this.code);
    this.take(v);
    this.view = v;
    this.childCodes = v.children.map((c) => c.code);
    this.nextCursor = v.nextCursor;
    this.estimate = v.area.estimate;
  }

  /** The next page of children (past 500). */
  async more(): Promise<void> {
    if (!this.nextCursor || !this.view) return;
    const v = await fetchArea(this.code, { cursor: this.nextCursor });
    this.take(v);
    this.childCodes = [...this.childCodes, ...v.children.map((c) => c.code)];
    this.nextCursor = v.nextCursor;
  }

  private take(v: AreaView): void {
    const { estimate, ...node } = v.area;
    void estimate; // kept apart: `area:updated` carries none
    this.live.setArea(v.position, node);
    for (const c of v.children) this.live.setArea(v.position, c);
  }

  /** The shown area's numbers as now known (the view's, or newer from `area:updated`). */
  get node(): AreaNode | null {
    const v = this.view;
    return v ? (this.live.areas.get(v.area.code) ?? v.area) : null;
  }

  get children(): AreaNode[] {
    const out: AreaNode[] = [];
    for (const c of this.childCodes) {
      const n = this.live.areas.get(c);
      if (n) out.push(n);
    }
    return out;
  }

  /** Call from an effect that reads `node`: when the numbers changed, the quick count is read again a little later. */
  watch(node: AreaNode | null): void {
    if (!node || !this.view || node === this.lastSeen) return;
    const first = this.lastSeen === undefined;
    this.lastSeen = node;
    if (first || node === this.view.area || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      fetchArea(this.code, { limit: 1 })
        .then((v) => (this.estimate = v.area.estimate))
        .catch(() => undefined);
    }, ESTIMATE_REFRESH_MS);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
