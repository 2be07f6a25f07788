/**
 * The TPS status read model as a pure fold: `evolveTps(doc, event)` over the events of one TPS stream, and `tpsView`
 * deriving what the API serves. No SQL here: tps-status.projection.ts loads and stores the docs.
 */
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { ContactAttemptView, PoskoEntry, TallyView, TpsFlag, TpsState, TpsView } from '../live/live.contract.js';
import { TPS_EVENT_TYPES, type GeoPoint, type TallyFlags, type TallyForm, type TpsEvent, type TpsEventType } from '../tps/tps.events.js';
import { diffForms } from '../tps/tally-rules.js';
import { attachPhoto, photoFlags, photoViews } from './tps-photos.js';
import {
  countsUnder,
  officialDifference,
  recordOfficial,
  recordReview,
  reviewReasons,
  reviewStatus,
  type FlaggedPolicy,
  type VerificationPart,
} from './verification.js';

export interface TallyVersion {
  contest: string;
  /** Stream revision of the TallySubmitted/TallyCorrected event that holds this version. */
  revision: number;
  form: TallyForm;
  flags: TallyFlags;
  corrected: boolean;
  submittedAt: string;
  /** Set when the posko wrote this version (on the monitor's behalf, or a posko correction); absent for the monitor's own. */
  enteredByPosko?: PoskoEntry;
  /** Everyone who wrote a version of this contest's tally (absent on docs projected before reviews existed). */
  authors?: string[];
}

export interface PaperRecord {
  form: TallyForm;
  comparedWithRevision: number | null;
  matches: boolean | null;
}

export interface TpsDoc extends VerificationPart {
  id: string;
  number: number;
  kelurahanCode: string;
  kecamatanCode: string;
  officer: string | null;
  /** `at` of the check-in the officer and location come from (the newest by `at`, whatever the arrival order). */
  officerAt: string | null;
  /** Earliest check-in time reported: when the TPS first had a monitor. */
  checkedInAt: string | null;
  location: GeoPoint | null;
  tallies: Record<string, TallyVersion>;
  paper: Record<string, PaperRecord>;
  openIncidentIds: string[];
  lastChangeAt: string | null;
  /** The posko's calls to the monitor (roll call), oldest first; absent on docs projected before they existed. */
  contactAttempts?: ContactAttemptView[];
}

/** The TPS status follows every event of a TPS stream. */
export const TPS_STATUS_EVENTS: readonly TpsEventType[] = TPS_EVENT_TYPES;

export function initialTps(tps: { id: string; number: number; kelurahanCode: string; kecamatanCode: string }): TpsDoc {
  return {
    id: tps.id,
    number: tps.number,
    kelurahanCode: tps.kelurahanCode,
    kecamatanCode: tps.kecamatanCode,
    officer: null,
    officerAt: null,
    checkedInAt: null,
    location: null,
    tallies: {},
    paper: {},
    openIncidentIds: [],
    lastChangeAt: null,
  };
}

const earlier = (a: string, b: string) => Date.parse(a) < Date.parse(b);

export function evolveTps(doc: TpsDoc, recorded: RecordedEvent): TpsDoc {
  const event = { type: recorded.type, data: recorded.data } as TpsEvent;
  const at = recorded.recordedAt.toISOString();
  const next: TpsDoc = { ...doc, lastChangeAt: doc.lastChangeAt && earlier(at, doc.lastChangeAt) ? doc.lastChangeAt : at };
  switch (event.type) {
    case 'OfficerCheckedIn': {
      const d = event.data;
      // Devices sync late: an older check-in arriving after a newer one must not take the officer back in time.
      const newest = doc.officerAt === null || !earlier(d.at, doc.officerAt);
      return {
        ...next,
        checkedInAt: doc.checkedInAt === null || earlier(d.at, doc.checkedInAt) ? d.at : doc.checkedInAt,
        ...(newest ? { officer: d.officer, officerAt: d.at, location: d.location } : {}),
      };
    }
    case 'TallySubmitted':
    case 'TallyCorrected': {
      const d = event.data;
      const version: TallyVersion = {
        contest: d.contest,
        revision: Number(recorded.revision),
        form: d.form,
        flags: d.flags,
        corrected: event.type === 'TallyCorrected',
        submittedAt: at,
        authors: [...new Set([...(doc.tallies[d.contest]?.authors ?? []), recorded.metadata.actor])],
      };
      if (recorded.metadata.role !== 'officer') {
        const onBehalf = event.type === 'TallySubmitted' ? event.data.onBehalf : undefined;
        version.enteredByPosko = {
          by: recorded.metadata.actor,
          reason: onBehalf?.reason ?? (event.type === 'TallyCorrected' ? event.data.reason : null),
          source: onBehalf?.source ?? null,
        };
      }
      // Corrections replace the contest's tally; they never add to it.
      return { ...next, tallies: { ...doc.tallies, [d.contest]: version } };
    }
    case 'PaperFormRecorded': {
      const d = event.data;
      const record: PaperRecord = { form: d.form, comparedWithRevision: d.comparedWithRevision, matches: d.matches };
      return { ...next, paper: { ...doc.paper, [d.contest]: record } };
    }
    case 'IncidentReported':
      if (doc.openIncidentIds.includes(event.data.incidentId)) return next;
      return { ...next, openIncidentIds: [...doc.openIncidentIds, event.data.incidentId] };
    case 'IncidentResolved':
      return { ...next, openIncidentIds: doc.openIncidentIds.filter((id) => id !== event.data.incidentId) };
    case 'IncidentReopened':
      if (doc.openIncidentIds.includes(event.data.incidentId)) return next;
      return { ...next, openIncidentIds: [...doc.openIncidentIds, event.data.incidentId] };
    case 'IncidentAcknowledged':
    case 'IncidentAssigned':
    case 'IncidentEscalated':
      return next;
    case 'ContactAttempted': {
      const { at, by, outcome, note } = event.data;
      return { ...next, contactAttempts: [...(doc.contactAttempts ?? []), { at, by, outcome, note }] };
    }
    case 'OfficerAssigned':
      return next;
    case 'FormPhotoAttached':
      return attachPhoto(next, recorded, event.data);
    case 'TallyReviewed':
      return recordReview(next, event.data);
    case 'OfficialResultImported':
      return recordOfficial(next, recorded, event.data);
    default: {
      const unknownEvent: never = event;
      return unknownEvent;
    }
  }
}

/** The paper form of `contest` disagrees with the current online tally (re-compared when a correction came after it). */
export function paperMismatch(doc: TpsDoc, contest: string): string | null {
  const paper = doc.paper[contest];
  const tally = doc.tallies[contest];
  if (!paper || !tally) return null;
  if (paper.comparedWithRevision === tally.revision && paper.matches !== null) {
    return paper.matches ? null : `${contest}: paper form differs from the online tally`;
  }
  const diffs = diffForms(tally.form, paper.form, 'core').map((d) => d.path);
  return diffs.length === 0 ? null : `${contest}: paper form differs from the online tally in ${diffs.join(', ')}`;
}

export function tpsFlags(doc: TpsDoc): TpsFlag[] {
  const flags: TpsFlag[] = [];
  for (const contest of Object.keys(doc.tallies).sort()) {
    const { rules, oddities } = doc.tallies[contest].flags;
    for (const r of rules) flags.push({ kind: 'rule', code: r.code, message: `${contest}: ${r.message}` });
    for (const o of oddities) flags.push({ kind: 'oddity', code: o.code, message: `${contest}: ${o.message}` });
    const paper = paperMismatch(doc, contest);
    if (paper) flags.push({ kind: 'paper_mismatch', code: 'PAPER_MISMATCH', message: paper });
  }
  return [...flags, ...photoFlags(doc)];
}

export function contestFlagged(doc: TpsDoc, contest: string): boolean {
  const t = doc.tallies[contest];
  return !!t && (t.flags.rules.length > 0 || t.flags.oddities.length > 0 || paperMismatch(doc, contest) !== null);
}

/** An open incident outranks a flag, a flag outranks a plain report. */
export function tpsState(doc: TpsDoc): TpsState {
  if (doc.openIncidentIds.length > 0) return 'incident';
  const contests = Object.keys(doc.tallies);
  if (contests.some((c) => contestFlagged(doc, c))) return 'flagged';
  if (contests.length > 0) return 'reported';
  return doc.checkedInAt ? 'checked_in' : 'no_officer';
}

export const sumVotes = (form: TallyForm) => Object.values(form.votes).reduce((a, b) => a + b, 0);

/** The review state of each contest and whether it counts, settled with the policy before the doc is stored. */
export function settleReviews(doc: TpsDoc, policy: FlaggedPolicy): TpsDoc {
  const counted: Record<string, boolean> = {};
  for (const c of Object.keys(doc.tallies))
    counted[c] = countsUnder(reviewStatus(doc, c, reviewReasons(doc, c, paperMismatch(doc, c))), policy);
  return { ...doc, counted };
}

/** The queue column of rm_tps: some contest awaits a decision, else some contest is held. */
export function reviewColumn(doc: TpsDoc): 'pending' | 'held' | null {
  const statuses = Object.keys(doc.tallies).map((c) => reviewStatus(doc, c, reviewReasons(doc, c, paperMismatch(doc, c))));
  return statuses.includes('pending') ? 'pending' : statuses.includes('held') ? 'held' : null;
}

/** The size of the largest difference with KPU over the contests (null: nothing to compare). */
export function officialDiffColumn(doc: TpsDoc): number | null {
  const sizes = Object.keys(doc.official ?? {})
    .map((c) => officialDifference(doc, c)?.absolute)
    .filter((x): x is number => x !== undefined);
  return sizes.length ? Math.max(...sizes) : null;
}

function tallyView(doc: TpsDoc, t: TallyVersion): TallyView {
  const v = t.form.voters;
  const reasons = reviewReasons(doc, t.contest, paperMismatch(doc, t.contest));
  const last = doc.reviews?.[t.contest] ?? null;
  return {
    contest: t.contest,
    revision: t.revision,
    votes: t.form.votes,
    invalid: t.form.invalid,
    validVotes: sumVotes(t.form),
    dpt: v.dpt,
    voters: v.fromDpt + v.fromDptb + v.fromDpk,
    corrected: t.corrected,
    submittedAt: t.submittedAt,
    enteredByPosko: t.enteredByPosko ?? null,
    review: {
      status: reviewStatus(doc, t.contest, reasons),
      reasons,
      counted: doc.counted?.[t.contest] ?? true,
      last,
      authors: t.authors ?? [],
    },
  };
}

export function tpsView(doc: TpsDoc): TpsView {
  return {
    id: doc.id,
    number: doc.number,
    kelurahanCode: doc.kelurahanCode,
    kecamatanCode: doc.kecamatanCode,
    state: tpsState(doc),
    officer: doc.officer,
    checkedInAt: doc.checkedInAt,
    location: doc.location,
    tallies: Object.keys(doc.tallies)
      .sort()
      .map((c) => tallyView(doc, doc.tallies[c])),
    flags: tpsFlags(doc),
    openIncidents: doc.openIncidentIds.length,
    lastChangeAt: doc.lastChangeAt,
    contactAttempts: doc.contactAttempts ?? [],
    photos: photoViews(doc),
    official: Object.keys(doc.official ?? {})
      .sort()
      .map((c) => {
        const { revision, source, ts, votes, images, flags, statusSuara, statusAdm, importedAt } = doc.official![c];
        const simple = flags.map(({ rule, code, message }) => ({ rule, code, message }));
        return {
          contest: c,
          source,
          ts,
          votes,
          images,
          flags: simple,
          statusSuara,
          statusAdm,
          importedAt,
          revision,
          difference: officialDifference(doc, c),
        };
      }),
  };
}
