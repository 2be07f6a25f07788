import type { Observable } from 'rxjs';
import type {
  AreaNode,
  AreaTpsPage,
  AreaView,
  Coverage,
  CoverageUpdate,
  IncidentView,
  KecamatanSummary,
  KelurahanSummary,
  Summary,
  TpsState,
  TpsView,
} from '../live/live.contract.js';

/** Queries over the projected read models, used by the read API and the live gateway. */
export const READ_MODELS = Symbol('READ_MODELS');

/** What one committed projection batch changed; published only after the batch's transaction commits. */
export interface ProjectionChange {
  /** Log position the read models reflect after this batch (string form). */
  position: string;
  tpsIds: string[];
  kelurahanCodes: string[];
  incidentIds: string[];
  coverageChanged: boolean;
  /** Messages to monitors this batch stored or marked read (messages/messages.projection.ts). */
  messageIds?: string[];
  /** When the oldest event in the change was committed to the log (ms since epoch), for submit-to-screen timing. */
  committedAt?: number;
}

/** Where a page of incidents starts: after this item in compareIncidents order. */
export interface IncidentCursor {
  rank: number;
  reportedAt: string;
  incidentId: string;
}

export interface IncidentFilter {
  status?: 'open' | 'resolved';
  ids?: string[];
  after?: IncidentCursor;
  limit?: number;
}

/** A page of a list in key order: `after` the last key of the previous page, `limit` rows (default: the list's own). */
export interface PageRequest {
  limit?: number;
  after?: string;
}

export interface ListPage<T> {
  items: T[];
  /** Opaque: where the next page starts (null: this was the last). */
  nextCursor: string | null;
}

export interface ReadModels {
  summary(contest?: string): Promise<Summary>;
  /** Every kecamatan, kelurahan, TPS (in code order): whole lists, for the city's callers (the routes use the pages). */
  kecamatan(contest?: string): Promise<KecamatanSummary[]>;
  kelurahanList(contest?: string): Promise<KelurahanSummary[]>;
  tpsList(filter?: { state?: TpsState; kelurahan?: string }): Promise<TpsView[]>;
  /** The same lists a page at a time; without `page.limit`, at most UNPAGED_LIST_LIMIT rows (the city's whole lists). */
  kecamatanPage(contest?: string, page?: PageRequest): Promise<ListPage<KecamatanSummary>>;
  kelurahanPage(contest?: string, page?: PageRequest): Promise<ListPage<KelurahanSummary>>;
  tpsPage(filter?: { state?: TpsState; kelurahan?: string }, page?: PageRequest): Promise<ListPage<TpsView>>;
  /** These kelurahan only (unknown codes left out), in the order given: what the live channel pushes. */
  kelurahanSummaries(codes: string[], contest?: string): Promise<KelurahanSummary[]>;
  kelurahan(code: string, contest?: string): Promise<(KelurahanSummary & { tps: TpsView[] }) | null>;
  /** An area of any level at or below the reference's root, null when it is none (docs/projections.md "Areas"). */
  area(code: string, opts: { contest?: string; limit: number; after?: string }): Promise<AreaView | null>;
  areaTps(code: string, opts: { limit: number; after?: string; state?: TpsState }): Promise<AreaTpsPage | null>;
  /** These areas' numbers (any level; codes outside the reference left out): what `area:updated` carries. */
  areaNodes(codes: string[], contest?: string): Promise<AreaNode[]>;
  tps(id: string): Promise<TpsView | null>;
  tpsMany(ids: string[]): Promise<TpsView[]>;
  /**
   * Check-ins of an area (the root by default; null when `area` is none): a page of its kelurahan rows (at most
   * UNPAGED_LIST_LIMIT), the first missing TPS and their total.
   */
  coverage(q?: { area?: string; limit?: number; after?: string }): Promise<Coverage | null>;
  /** City coverage counts and the rows of these kelurahan only: what the live channel pushes. */
  coverageUpdate(kelurahanCodes: string[]): Promise<CoverageUpdate>;
  /** Incidents in compareIncidents order (live.contract.ts); `after` and `limit` page through them. */
  incidents(filter?: IncidentFilter): Promise<IncidentView[]>;
  /** Position every projection has reached (the lowest of their checkpoints), string form, null when none. */
  position(): Promise<string | null>;
  /** Resolves true once every projection has passed `position`, false after `timeoutMs`. */
  waitForPosition(position: string, timeoutMs: number): Promise<boolean>;
  /** TPS and incidents changed after `position`, or null when that is too far back to be cheaper than a snapshot. */
  changedSince(position: string): Promise<{ tpsIds: string[]; incidentIds: string[] } | null>;
  /** Emits after each committed batch. */
  readonly changes$: Observable<ProjectionChange>;
}
