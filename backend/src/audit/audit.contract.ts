/**
 * Payloads of the audit routes (docs/audit.md), declared once and imported by the backend and the dashboard's auditor
 * screens (`$audit-contract` alias). Plain types only: no imports, no Node APIs.
 */

export interface FieldDiff {
  path: string;
  before: number | null;
  after: number | null;
}

export type TpsEventType =
  | 'OfficerCheckedIn'
  | 'TallySubmitted'
  | 'TallyCorrected'
  | 'PaperFormRecorded'
  | 'IncidentReported'
  | 'IncidentResolved'
  // The posko's events (incidents/posko.events.ts).
  | 'IncidentAcknowledged'
  | 'IncidentAssigned'
  | 'IncidentEscalated'
  | 'IncidentReopened'
  | 'ContactAttempted'
  | 'OfficerAssigned'
  | 'FormPhotoAttached'
  // Verification (docs/audit.md): the supervisor's decisions and KPU's published results.
  | 'TallyReviewed'
  | 'OfficialResultImported';

/** One event of a TPS as an auditor reads it (GET /api/tps/{id}/history). */
export interface HistoryEntry {
  revision: number;
  position: string;
  eventId: string;
  type: TpsEventType;
  actor: string;
  role: string;
  serverTime: string;
  clientTime: string | null;
  contest: string | null;
  reason: string | null;
  /** The event's full values. */
  values: Record<string, unknown>;
  /** Tallies: difference from the version before (all fields for the first); paper forms: from the online tally. */
  diff: FieldDiff[];
  hash: string | null;
}

/** GET /api/audit/corrections */
export interface CorrectionItem {
  position: string;
  eventId: string;
  tpsId: string;
  kelurahanCode: string;
  kecamatanCode: string;
  contest: string;
  revision: number;
  correctsRevision: number;
  actor: string;
  role: string;
  serverTime: string;
  reason: string;
  diff: FieldDiff[];
}

export interface CorrectionsPage {
  corrections: CorrectionItem[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: string | null;
}

/** GET /api/audit/paper-forms */
export interface PaperMismatchRow {
  tpsId: string;
  kelurahanCode: string;
  kecamatanCode: string;
  contest: string;
  onlineRevision: number;
  fields: { path: string; online: number | null; paper: number | null }[];
}

export interface PaperReconciliation {
  contest: string;
  /** Paper form and online tally disagree, field by field. */
  mismatched: PaperMismatchRow[];
  /** TPS without a paper form for this contest yet (whether or not they reported online). */
  missing: string[];
  /** Of `missing`, the TPS that did report online: the ones the posko should chase first. */
  missingReported: string[];
  /** A paper form but no online tally: nothing to compare with yet. */
  paperOnly: string[];
}

/** GET /api/audit/meta: what the time slider needs to span election day in the city's own clock. */
export interface AuditMeta {
  /** ELECTION_DATE, YYYY-MM-DD. */
  electionDate: string;
  /** Lubuklinggau keeps WIB; every time on the audit screens is shown in it. */
  timeZone: 'Asia/Jakarta';
}
