/**
 * Events of a TPS stream (`tps-<13-digit TPS id>`). Every submission, correction, paper form and incident of one
 * polling station lives in its stream, so its whole history is one ordered read and one hash chain.
 * Catalogue with examples: docs/events.md.
 */

import { POSKO_TPS_EVENT_TYPES, type PoskoTpsEvent } from '../incidents/posko.events.js';

export const tpsStream = (tpsId: string): string => `tps-${tpsId}`;
export const TPS_STREAM_PREFIX = 'tps-';

export interface GeoPoint {
  lat: number;
  lon: number;
  accuracyM?: number;
}

/** The numbers of the C.Hasil form as read by the monitor (names follow the form; see docs/domain.md in shared). */
export interface TallyForm {
  /** IV: valid votes per candidate number ("01", "02", ...). */
  votes: Record<string, number>;
  /** V.B: invalid votes. */
  invalid: number;
  /** V.A as written on the form, when typed. */
  validTotal?: number;
  /** V.C as written on the form, when typed. */
  grandTotal?: number;
  voters: {
    /** A.1 */ dpt: number;
    /** B.1 */ fromDpt: number;
    /** B.2 */ fromDptb: number;
    /** B.3 */ fromDpk: number;
    /** B.4 as written on the form, when typed. */ total?: number;
  };
  /** Optional male/female split of section I, checked against the totals (rule 1). */
  votersByGender?: {
    male: { dpt: number; fromDpt: number; fromDptb: number; fromDpk: number };
    female: { dpt: number; fromDpt: number; fromDptb: number; fromDpk: number };
  };
  ballots: {
    /** II.1 */ received: number;
    /** II.2 */ used: number;
    /** II.3 */ spoiled: number;
    /** II.4 */ unused: number;
  };
  /** III */
  disabledVoters?: number;
}

/** A consistency rule of domain.md (1..11) that the form breaks, with the numbers involved. */
export interface RuleViolation {
  rule: number;
  code: string;
  message: string;
  values: Record<string, number>;
}

/** Legal but suspicious: stored and flagged, never rejected. */
export interface Oddity {
  code: 'TURNOUT_ABOVE_DPT' | 'ONE_CANDIDATE_ALL_VOTES' | 'UNLIKE_KELURAHAN';
  message: string;
  values: Record<string, number>;
}

export interface TallyFlags {
  /** Rules the form breaks; non-empty only when the monitor acknowledged them (the paper form itself says so). */
  rules: RuleViolation[];
  oddities: Oddity[];
}

export interface FieldDiff {
  path: string;
  before: number | null;
  after: number | null;
}

export interface OfficerCheckedIn {
  type: 'OfficerCheckedIn';
  data: { tpsId: string; officer: string; at: string; location: GeoPoint | null };
}

/** A first tally the posko entered for the monitor (read over the phone, from the paper form, ...). */
export interface OnBehalf {
  reason: string;
  source: 'phone' | 'paper' | 'other';
}

export interface TallySubmitted {
  type: 'TallySubmitted';
  data: {
    tpsId: string;
    contest: string;
    form: TallyForm;
    flags: TallyFlags;
    formSerial: string | null;
    observedAt: string | null;
    /** Present when an operator entered it on the monitor's behalf (the metadata's actor is the operator). */
    onBehalf?: OnBehalf;
  };
}

export interface TallyCorrected {
  type: 'TallyCorrected';
  data: {
    tpsId: string;
    contest: string;
    form: TallyForm;
    flags: TallyFlags;
    formSerial: string | null;
    observedAt: string | null;
    /** Stream revision of the tally version this corrects. */
    correctsRevision: number;
    reason: string;
    diff: FieldDiff[];
  };
}

export interface PaperFormRecorded {
  type: 'PaperFormRecorded';
  data: {
    tpsId: string;
    contest: string;
    form: TallyForm;
    formSerial: string | null;
    /** Stream revision of the online tally it was compared with, or null when none had been submitted. */
    comparedWithRevision: number | null;
    matches: boolean | null;
    differences: FieldDiff[];
    /**
     * Blind double entry (docs/audit.md): 1 for the first clerk's reading, 2 for a second clerk's (another user) when
     * the first differed from the online tally. Absent on paper forms recorded before double entry existed (= 1).
     */
    entry?: 1 | 2;
    /** Entry 2: the stream revision of entry 1 and what differs from it. */
    comparedWithEntry?: number;
    differencesFromEntry?: FieldDiff[];
  };
}

/** A supervisor's decision on the current tally of a contest: `hold` leaves it out of every total until accepted. */
export interface TallyReviewed {
  type: 'TallyReviewed';
  data: {
    tpsId: string;
    contest: string;
    /** Stream revision of the tally version decided on (the current one when decided). */
    revision: number;
    decision: 'accept' | 'hold';
    reason: string;
    by: string;
    at: string;
  };
}

/** KPU's published per-TPS result (Sirekap), imported by `npm run official:import`; one per TPS and KPU `ts`. */
export interface OfficialResultImported {
  type: 'OfficialResultImported';
  data: {
    tpsId: string;
    contest: string;
    /** `sirekap-json` (a file per TPS or JSON lines) or `csv`. */
    source: 'sirekap-json' | 'csv';
    /** KPU's update time, ISO 8601 with +07:00 (the file's `ts` is WIB without a zone). */
    ts: string;
    /** Votes per candidate number, read from `chart` by KPU's candidate ids. */
    votes: Record<string, number>;
    /** The file's `administrasi` numbers as published (null when KPU had none). */
    administrasi: Record<string, number> | null;
    images: string[];
    statusSuara: boolean | null;
    statusAdm: boolean | null;
    /** Form rules the published numbers break: kept as KPU said them, flagged. */
    flags: RuleViolation[];
  };
}

export type IncidentCategory = 'security' | 'medical' | 'fire' | 'vote_buying' | 'logistics' | 'procedure' | 'disaster' | 'other';
export type IncidentSeverity = 'low' | 'medium' | 'high' | 'critical';

export interface IncidentReported {
  type: 'IncidentReported';
  data: {
    incidentId: string;
    tpsId: string;
    category: IncidentCategory;
    severity: IncidentSeverity;
    description: string;
    at: string;
    location: GeoPoint | null;
  };
}

export interface IncidentResolved {
  type: 'IncidentResolved';
  data: { incidentId: string; tpsId: string; note: string; resolvedAt: string };
}

/** An earlier photo at another TPS that this one repeats (exact bytes, or a near-copy by perceptual hash). */
export interface PhotoDuplicate {
  code: 'PHOTO.REUSED' | 'PHOTO.NEAR_DUPLICATE';
  tpsId: string;
  photoId: string;
  /** Hamming distance of the 64-bit dHashes (0 for the same bytes). */
  distance: number;
}

/** A photo of a C.Hasil page; the bytes are in the photo store under `hash` before this is appended. */
export interface FormPhotoAttached {
  type: 'FormPhotoAttached';
  data: {
    tpsId: string;
    contest: string;
    /** Page of the C.Hasil form, 1..3. */
    page: number;
    /** SHA-256 of the bytes, hex: the photo's id and its name in the photo store. */
    hash: string;
    size: number;
    mediaType: 'image/jpeg' | 'image/png' | 'image/webp';
    width: number;
    height: number;
    /** The camera's own time (EXIF DateTimeOriginal, as written, no zone), when the image has one. */
    cameraTime: string | null;
    /** 64-bit difference hash, hex, for near-copy detection. */
    dhash: string;
    duplicateOf: PhotoDuplicate | null;
  };
}

export type TpsEvent =
  | OfficerCheckedIn
  | TallySubmitted
  | TallyCorrected
  | PaperFormRecorded
  | IncidentReported
  | IncidentResolved
  | FormPhotoAttached
  | TallyReviewed
  | OfficialResultImported
  | PoskoTpsEvent;

export type TpsEventType = TpsEvent['type'];

export const TPS_EVENT_TYPES: readonly TpsEventType[] = [
  'OfficerCheckedIn',
  'TallySubmitted',
  'TallyCorrected',
  'PaperFormRecorded',
  'IncidentReported',
  'IncidentResolved',
  ...POSKO_TPS_EVENT_TYPES,
  'FormPhotoAttached',
  'TallyReviewed',
  'OfficialResultImported',
];
