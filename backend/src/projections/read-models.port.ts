import type { Observable } from 'rxjs';
import type {
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

export interface ReadModels {
  summary(contest?: string): Promise<Summary>;
  kecamatan(contest?: string): Promise<KecamatanSummary[]>;
  kelurahanList(contest?: string): Promise<KelurahanSummary[]>;
  kelurahan(code: string, contest?: string): Promise<(KelurahanSummary & { tps: TpsView[] }) | null>;
  tpsList(filter?: { state?: TpsState; kelurahan?: string }): Promise<TpsView[]>;
  tps(id: string): Promise<TpsView | null>;
  tpsMany(ids: string[]): Promise<TpsView[]>;
  coverage(): Promise<Coverage>;
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
