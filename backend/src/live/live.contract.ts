/**
 * The read API's payloads and the Socket.IO live channel, declared once and imported by the backend and the dashboard
 * (`$contract` alias in dashboard/vite.config.ts). Plain types and constants only: no imports, no Node APIs.
 * Positions are the event store's positions in string form (`commit/prepare`); compare them with comparePositionStrings.
 */

import type { IncidentLifecycle } from '../incidents/incidents.contract.js';

export const LIVE_NAMESPACE = '/live';

/** Server -> client messages, `entity:verb`. */
export const LiveMessage = {
  SummaryUpdated: 'summary:updated',
  KelurahanUpdated: 'kelurahan:updated',
  TpsUpdated: 'tps:updated',
  IncidentReported: 'incident:reported',
  IncidentResolved: 'incident:resolved',
  CoverageUpdated: 'coverage:updated',
  /**
   * To the posko (the city's detail room): messages to monitors were sent or read, so the console's "n of m read"
   * reloads now instead of polling. Carries the ids only; GET /api/messages has the counts.
   */
  MessagesUpdated: 'messages:updated',
  /** An area's numbers changed (any level): to the room of that area and of its parent (`AreaNode`). */
  AreaUpdated: 'area:updated',
  /** Every few seconds: the position the read models have reached, so a client can tell it is live and not lagging. */
  Heartbeat: 'live:heartbeat',
  /** Sent just before the server closes the socket because its token expired or its user changed or went. */
  SessionEnded: 'live:session-ended',
} as const;

/** Stable `connect_error` messages of the live namespace (the handshake carries `auth: { token }`). */
export const LiveAuthError = {
  Unauthenticated: 'AUTH.UNAUTHENTICATED',
  InvalidToken: 'AUTH.INVALID_TOKEN',
  TokenExpired: 'AUTH.TOKEN_EXPIRED',
  Forbidden: 'AUTH.FORBIDDEN',
  /** The token's user was removed or changed (role, TPS, PIN): sign in again. */
  Revoked: 'AUTH.REVOKED',
  /** Too many sockets open for this sign-in or this address (not an auth problem: retry later). */
  TooManySockets: 'LIVE.TOO_MANY_SOCKETS',
} as const;

/** Client -> server messages (with an acknowledgement callback). */
export const LiveRequest = {
  /** Follow the city (default) or one area of any level (AREA-level rooms: `area:updated` of it and its children). */
  Follow: 'follow',
  /** After a reconnect: everything that changed after this position, or a fresh snapshot. */
  Resume: 'resume',
  /** A refreshed token for this socket, so it outlives the old token's expiry without reconnecting. */
  Reauthenticate: 'auth',
} as const;

/** Refused message answers: over the socket's message allowance (retry after `retryAfterMs`). */
export const LIVE_RATE_LIMITED = 'LIVE.RATE_LIMITED';
/** `connect_error` when the handshake could not check the user (database unavailable): retry, the token is fine. */
export const LIVE_UNAVAILABLE = 'LIVE.UNAVAILABLE';

export type TpsState = 'no_officer' | 'checked_in' | 'reported' | 'flagged' | 'incident';

export interface CandidateTotal {
  number: string;
  name: string;
  votes: number;
  /** Share of valid votes, 0..1 (0 when no valid votes yet). */
  share: number;
}

export interface Estimate {
  /** False below the minimum number of reported TPS: then shares are not shown. */
  shown: boolean;
  reportedTps: number;
  minTps: number;
  totalTps: number;
  candidates: { number: string; share: number; marginOfError: number; low: number; high: number }[];
  /** Stratified (by province for the nation, by kabupaten/kota for a province) at those levels: docs/quick-count.md. */
  method: 'ratio-estimator-cluster-fpc' | 'stratified-ratio-estimator';
}

export interface AreaTotals {
  contest: string;
  candidates: CandidateTotal[];
  validVotes: number;
  invalidVotes: number;
  totalVotes: number;
  dptCovered: number;
  tpsTotal: number;
  tpsReported: number;
  tpsCheckedIn: number;
  tpsFlagged: number;
  openIncidents: number;
  /** TPS whose tally is left out of these totals and the quick count (held, or awaiting review under FLAGGED_TALLIES=hold). */
  tpsHeld: number;
  /** KPU's published results of the same area, beside ours (docs/audit.md). */
  official: OfficialTotals;
}

export interface OfficialTotals {
  /** TPS with an imported official result. */
  tpsCount: number;
  validVotes: number;
  candidates: { number: string; votes: number }[];
  /** TPS where our counted tally and the latest official result differ ("selisih dengan KPU"). */
  tpsDiffering: number;
}

export type ReviewStatus = 'pending' | 'held' | 'accepted' | null;

export interface ReviewReason {
  kind: 'rule' | 'oddity' | 'paper_mismatch' | 'photo' | 'on_behalf';
  code: string;
  message: string;
}

/** The supervisor's side of a tally version (docs/audit.md). */
export interface ReviewView {
  /** pending: in the queue; held / accepted: decided for this revision; null: nothing to decide. */
  status: ReviewStatus;
  reasons: ReviewReason[];
  /** Counted in the totals now. */
  counted: boolean;
  /** The latest decision on this contest, possibly on an earlier revision. */
  last: { revision: number; decision: 'accept' | 'hold'; by: string; at: string; reason: string } | null;
  /** Who wrote a version of this tally: none of them may review it. */
  authors: string[];
}

export interface OfficialDifference {
  contest: string;
  tallyRevision: number;
  officialTs: string;
  candidates: { number: string; ours: number; official: number; diff: number }[];
  total: { ours: number; official: number; diff: number };
  /** Sum of the candidates' absolute differences: the order of GET /api/official/differences. */
  absolute: number;
}

/** GET /api/reviews: one tally awaiting the supervisor (or held). */
export interface ReviewQueueItem {
  tpsId: string;
  number: number;
  kelurahanCode: string;
  kecamatanCode: string;
  contest: string;
  revision: number;
  status: ReviewStatus;
  reasons: ReviewReason[];
  counted: boolean;
  authors: string[];
  last: ReviewView['last'];
  /** False when the caller is not a supervisor or wrote a version of this tally. */
  mayDecide: boolean;
  tally: TallyView;
}

/** The numbers of a form reading, as stored (docs/events.md). */
export interface FormNumbers {
  votes: Record<string, number>;
  invalid: number;
  voters: { dpt: number; fromDpt: number; fromDptb: number; fromDpk: number };
  ballots: { received: number; used: number; spoiled: number; unused: number };
}

/** GET /api/tps/{tpsId}/paper-entries: the three readings of one C.Hasil form and how they agree. */
export interface PaperRoundView {
  contest: string;
  online: { revision: number; form: FormNumbers } | null;
  entries: { revision: number; entry: 1 | 2; by: string; at: string; form: FormNumbers; formSerial: string | null }[];
  agreement: 'no_online' | 'matches' | 'awaiting_second' | 'online_and_second' | 'papers_agree' | 'none' | null;
  agreed: 'online' | 'paper' | null;
}

export interface OfficialView {
  contest: string;
  source: 'sirekap-json' | 'csv';
  ts: string;
  votes: Record<string, number>;
  images: string[];
  flags: { rule: number; code: string; message: string }[];
  statusSuara: boolean | null;
  statusAdm: boolean | null;
  importedAt: string;
  revision: number;
  difference: OfficialDifference | null;
}

export interface Summary extends AreaTotals {
  area: { level: 'city'; code: string; name: string };
  /** TPS with at least one C.Hasil photo. */
  tpsWithPhotos: number;
  estimate: Estimate;
  /** Log position this answer reflects (null: nothing projected yet). */
  position: string | null;
  updatedAt: string | null;
}

export interface KelurahanSummary extends AreaTotals {
  code: string;
  name: string;
  kecamatanCode: string;
  kecamatanName: string;
}

export interface KecamatanSummary extends AreaTotals {
  code: string;
  name: string;
}

/** The levels of the hierarchy (reference-data.ts AREA_LEVELS): codes of 0 (the nation), 2, 4, 6 and 10 digits. */
export type HierarchyLevel = 'nation' | 'provinsi' | 'kabupaten' | 'kecamatan' | 'kelurahan';

export interface AreaRef {
  level: HierarchyLevel;
  /** The nation's code is ''. */
  code: string;
  name: string;
}

/** One area's numbers: the same AreaTotals as /api/summary (for the asked contest), plus photos. */
export interface AreaNode extends AreaRef, AreaTotals {
  tpsWithPhotos: number;
}

/** GET /api/areas[/:code]: an area, its parent chain and a page of its children. */
export interface AreaView {
  /** Quick count from this area's own sums; stratified at nation and provinsi level. */
  area: AreaNode & { estimate: Estimate };
  /** From the configured root down to the parent; [] for the root. */
  parents: AreaRef[];
  childLevel: HierarchyLevel | 'tps';
  /** Ordered by code; [] when childLevel is 'tps' (use /api/areas/:code/tps). */
  children: AreaNode[];
  childrenTotal: number;
  /** Pass as ?cursor= for the next page of children. */
  nextCursor: string | null;
  /** Log position the numbers reflect (also the X-Read-Position header). */
  position: string | null;
}

/** GET /api/areas/:code/tps: a page of the area's TPS, ordered by id. */
export interface AreaTpsPage {
  tps: TpsView[];
  total: number;
  nextCursor: string | null;
  position: string | null;
}

export interface TallyView {
  contest: string;
  revision: number;
  votes: Record<string, number>;
  invalid: number;
  validVotes: number;
  dpt: number;
  voters: number;
  corrected: boolean;
  submittedAt: string;
  /** The posko wrote this version: on the monitor's behalf (with reason and source) or as a correction. */
  enteredByPosko: PoskoEntry | null;
  review: ReviewView;
}

export interface PoskoEntry {
  /** The operator's user name. */
  by: string;
  reason: string | null;
  /** Where the numbers came from, for an entry on the monitor's behalf. */
  source: 'phone' | 'paper' | 'other' | null;
}

export interface TpsFlag {
  kind: 'rule' | 'oddity' | 'paper_mismatch' | 'photo';
  code: string;
  message: string;
}

export interface TpsView {
  id: string;
  number: number;
  kelurahanCode: string;
  kecamatanCode: string;
  state: TpsState;
  officer: string | null;
  checkedInAt: string | null;
  location: { lat: number; lon: number; accuracyM?: number } | null;
  tallies: TallyView[];
  flags: TpsFlag[];
  openIncidents: number;
  lastChangeAt: string | null;
  /** The posko's calls to this TPS's monitor (roll call), oldest first. */
  contactAttempts: ContactAttemptView[];
  /** C.Hasil photos attached, in log order (GET /api/photos/{photoId}). */
  photos: PhotoView[];
  /** KPU's latest published result per contest, with its difference from our counted tally. */
  official: OfficialView[];
}

export interface ContactAttemptView {
  at: string;
  /** The posko user who called. */
  by: string;
  outcome: 'reached' | 'no_answer' | 'wrong_number' | 'unreachable';
  note: string | null;
}

export interface PhotoView {
  /** SHA-256 of the bytes, hex. */
  photoId: string;
  contest: string;
  page: number;
  /** Stream revision of the FormPhotoAttached event. */
  revision: number;
  width: number;
  height: number;
  bytes: number;
  mediaType: string;
  cameraTime: string | null;
  attachedAt: string;
  duplicateOf: { code: 'PHOTO.REUSED' | 'PHOTO.NEAR_DUPLICATE'; tpsId: string; photoId: string; distance: number } | null;
}

export interface IncidentView {
  incidentId: string;
  tpsId: string;
  kelurahanCode: string;
  category: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  description: string;
  status: 'open' | 'resolved';
  /** When the server recorded the report (the event's recorded time): what feeds and pages order by. */
  reportedAt: string;
  /** When the reporter says it happened (the client's `at`, within the accepted window), else the server time. */
  occurredAt: string;
  resolvedAt: string | null;
  resolutionNote: string | null;
  location: { lat: number; lon: number } | null;
  /** What the posko did with it (incidents/incidents.contract.ts); absent only on rows projected before it existed. */
  lifecycle?: IncidentLifecycle;
}

/** 1 for an open critical or high incident (kept above everything else in feeds), else 0. */
export function incidentRank(i: Pick<IncidentView, 'status' | 'severity'>): number {
  return i.status === 'open' && (i.severity === 'critical' || i.severity === 'high') ? 1 : 0;
}

/**
 * The order of every incident list (GET /api/incidents, a resume's incidents, the wall's feed): open critical and
 * high first, then newest by server time, then by id (descending, byte order). The SQL of the read models sorts the
 * same way.
 */
export function compareIncidents(a: IncidentView, b: IncidentView): number {
  const r = incidentRank(b) - incidentRank(a);
  if (r !== 0) return r;
  const t = Date.parse(b.reportedAt) - Date.parse(a.reportedAt);
  if (t !== 0) return t;
  return a.incidentId < b.incidentId ? 1 : a.incidentId > b.incidentId ? -1 : 0;
}

export interface CoverageRow {
  kelurahanCode: string;
  name: string;
  assigned: number;
  checkedIn: number;
  reported: number;
}

export interface MissingOfficer {
  tpsId: string;
  kelurahanCode: string;
  officer: string | null;
}

/**
 * GET /api/coverage[?area=]: bounded at any size (docs/scaling.md). The city's answer is whole: its 72 kelurahan rows
 * and every missing TPS (a city has at most 635).
 */
export interface Coverage {
  deadline: string;
  /** The area answered for: the reference's root, or `?area=`. */
  area: AreaRef;
  /** A page of the area's kelurahan in code order (at most 1,000; `?limit=&cursor=` for the rest). */
  rows: CoverageRow[];
  /** How many kelurahan the area has. */
  rowsTotal: number;
  /** Where the next page of rows starts (also the X-Next-Cursor and Link headers); null on the last page. */
  nextCursor: string | null;
  /** The first 1,000 TPS without a check-in once the deadline has passed (empty before it), in reference order. */
  missing: MissingOfficer[];
  /** How many TPS of the area have no check-in after the deadline (0 before it); the whole list is GET /api/rollcall. */
  missingTotal: number;
  position: string | null;
}

/**
 * The live coverage push: city counts plus the rows of the kelurahan this change touched (merge them by
 * kelurahanCode). The whole picture is `GET /api/coverage` (rows a page at a time, the missing list capped) and
 * `GET /api/rollcall` (every missing TPS, paged): at national scale 83,000 rows and up to 820,000 missing TPS, far too
 * much to push to every screen on every tick.
 */
export interface CoverageUpdate {
  deadline: string;
  assigned: number;
  checkedIn: number;
  reported: number;
  /** TPS without a check-in once the deadline has passed (0 before it), as `missingTotal` of GET /api/coverage. */
  missing: number;
  rows: CoverageRow[];
}

/** Every live message carries the log position it reflects. */
export interface Positioned<T> {
  position: string;
  data: T;
}

export interface ServerToClient {
  [LiveMessage.SummaryUpdated]: (msg: Positioned<Summary>) => void;
  [LiveMessage.KelurahanUpdated]: (msg: Positioned<KelurahanSummary>) => void;
  [LiveMessage.TpsUpdated]: (msg: Positioned<TpsView>) => void;
  [LiveMessage.IncidentReported]: (msg: Positioned<IncidentView>) => void;
  [LiveMessage.IncidentResolved]: (msg: Positioned<IncidentView>) => void;
  [LiveMessage.CoverageUpdated]: (msg: Positioned<CoverageUpdate>) => void;
  [LiveMessage.MessagesUpdated]: (msg: Positioned<{ messageIds: string[] }>) => void;
  [LiveMessage.AreaUpdated]: (msg: Positioned<AreaNode>) => void;
  [LiveMessage.Heartbeat]: (msg: LiveHeartbeat) => void;
  [LiveMessage.SessionEnded]: (msg: { code: string }) => void;
}

export interface LiveHeartbeat {
  /** Position every projection has reached (null: nothing projected yet). */
  position: string | null;
  /** Server time, ISO 8601. */
  at: string;
}

/** `{ level: 'nation', code: '' }` .. `{ level: 'kelurahan', code }`: any area of the configured reference, or the city. */
export type FollowScope = { level: 'city' } | { level: HierarchyLevel; code: string };

export interface ResumeAnswer {
  /** 'changes': apply `tps`, `kelurahan`, `incidents` on top of your state; 'snapshot': replace your state. */
  mode: 'changes' | 'snapshot';
  position: string | null;
  summary: Summary;
  kelurahan: KelurahanSummary[];
  tps: TpsView[];
  /** In compareIncidents order; a snapshot carries the first page only (RESUME_INCIDENTS). */
  incidents: IncidentView[];
  /** Set when a snapshot left incidents out: GET /api/incidents?cursor=<this> continues the list. */
  incidentsNextCursor?: string | null;
  /** Set when a snapshot left kelurahan / TPS out (past 1,000: never for the city): GET /api/kelurahan?cursor=, /api/tps?cursor=. */
  kelurahanNextCursor?: string;
  tpsNextCursor?: string;
}

/** How many incidents a resume carries at most (the wall shows 40). */
export const RESUME_INCIDENTS = 100;

export interface ClientToServer {
  [LiveRequest.Follow]: (scope: FollowScope, ack: (res: { ok: boolean; error?: string }) => void) => void;
  [LiveRequest.Resume]: (
    req: { after: string | null },
    ack: (res: ResumeAnswer | { error: string; retryAfterMs?: number }) => void,
  ) => void;
  [LiveRequest.Reauthenticate]: (
    req: { token: string },
    ack: (res: { ok: true; expiresAt: number } | { ok: false; error: string }) => void,
  ) => void;
}

/** Total order of position strings (`commit/prepare`); null sorts first. */
export function comparePositionStrings(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const [ac, ap] = a.split('/').map((x) => BigInt(x));
  const [bc, bp] = b.split('/').map((x) => BigInt(x));
  if (ac !== bc) return ac < bc ? -1 : 1;
  return ap === bp ? 0 : ap < bp ? -1 : 1;
}
