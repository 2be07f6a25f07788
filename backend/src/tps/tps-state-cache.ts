/**
 * Per-TPS state cache of the command handler: the folded state, the stream's revision, the last event's hash and the
 * stream's event ids, as of the last read or append of this process. Only a hint: the append's expected revision is
 * authoritative, so a stale entry (another node wrote) ends in a conflict, which drops the entry and re-reads. Bounded
 * (least recently used entries go first).
 */
import type { TpsState } from './tps.decider.js';

export interface CachedTps {
  state: TpsState;
  /** Revision of the stream's last event; null = no stream yet. */
  revision: bigint | null;
  lastHash: string | null;
  ids: ReadonlySet<string>;
}

export const TPS_STATE_CACHE_SIZE = 10_000;

export class TpsStateCache {
  private readonly entries = new Map<string, CachedTps>();

  constructor(private readonly capacity = TPS_STATE_CACHE_SIZE) {}

  get(stream: string): CachedTps | undefined {
    const hit = this.entries.get(stream);
    if (hit) {
      this.entries.delete(stream);
      this.entries.set(stream, hit);
    }
    return hit;
  }

  /** Keeps the newer of what is cached and `entry` (a slow read must not overwrite a later append). */
  set(stream: string, entry: CachedTps): void {
    const now = this.entries.get(stream);
    if (now && now.revision !== null && (entry.revision === null || entry.revision < now.revision)) return;
    this.entries.delete(stream);
    this.entries.set(stream, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  drop(stream: string): void {
    this.entries.delete(stream);
  }

  get size(): number {
    return this.entries.size;
  }
}
