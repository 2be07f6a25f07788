/**
 * The review and official-count parts of the TPS read model, pure (docs/audit.md): why a tally needs a supervisor's
 * decision, whether it counts under the FLAGGED_TALLIES policy, and how it differs from KPU's published result.
 */
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { OfficialDifference, ReviewReason, ReviewStatus } from '../live/live.contract.js';
import type { OfficialResultImported, TallyReviewed } from '../tps/tps.events.js';
import { photoFlags, type TpsPhotoPart } from './tps-photos.js';
import type { TpsDoc } from './tps-doc.js';

export type FlaggedPolicy = 'count' | 'hold';

export interface ReviewRecord {
  revision: number;
  decision: 'accept' | 'hold';
  by: string;
  at: string;
  reason: string;
}

export interface OfficialRecord {
  revision: number;
  source: OfficialResultImported['data']['source'];
  ts: string;
  votes: Record<string, number>;
  images: string[];
  flags: OfficialResultImported['data']['flags'];
  statusSuara: boolean | null;
  statusAdm: boolean | null;
  importedAt: string;
}

export interface VerificationPart extends TpsPhotoPart {
  /** The latest supervisor's decision per contest (it applies while its revision is the current tally's). */
  reviews?: Record<string, ReviewRecord>;
  /** Whether the contest's current tally counts in the totals, settled with the policy when the doc was written. */
  counted?: Record<string, boolean>;
  /** KPU's latest published result per contest (by its `ts`). */
  official?: Record<string, OfficialRecord>;
}

export function recordReview<D extends VerificationPart>(doc: D, data: TallyReviewed['data']): D {
  const { contest, revision, decision, by, at, reason } = data;
  return { ...doc, reviews: { ...doc.reviews, [contest]: { revision, decision, by, at, reason } } };
}

export function recordOfficial<D extends VerificationPart>(doc: D, recorded: RecordedEvent, data: OfficialResultImported['data']): D {
  const current = doc.official?.[data.contest];
  // KPU corrects a TPS with a newer `ts`: an older file imported later never replaces a newer one.
  if (current && Date.parse(current.ts) >= Date.parse(data.ts)) return doc;
  const record: OfficialRecord = {
    revision: Number(recorded.revision),
    source: data.source,
    ts: data.ts,
    votes: data.votes,
    images: data.images,
    flags: data.flags,
    statusSuara: data.statusSuara,
    statusAdm: data.statusAdm,
    importedAt: recorded.recordedAt.toISOString(),
  };
  return { ...doc, official: { ...doc.official, [data.contest]: record } };
}

/** What puts a contest's current tally in the review queue. */
export function reviewReasons(doc: TpsDoc, contest: string, paperMismatch: string | null): ReviewReason[] {
  const t = doc.tallies[contest];
  if (!t) return [];
  const out: ReviewReason[] = [
    ...t.flags.rules.map((r) => ({ kind: 'rule' as const, code: r.code, message: r.message })),
    ...t.flags.oddities.map((o) => ({ kind: 'oddity' as const, code: o.code, message: o.message })),
  ];
  if (paperMismatch) out.push({ kind: 'paper_mismatch', code: 'PAPER_MISMATCH', message: paperMismatch });
  for (const f of photoFlags(doc)) out.push({ kind: 'photo', code: f.code, message: f.message });
  if (t.enteredByPosko?.source)
    out.push({ kind: 'on_behalf', code: 'ON_BEHALF', message: `entered by ${t.enteredByPosko.by} on the monitor's behalf` });
  return out;
}

export function reviewStatus(doc: TpsDoc, contest: string, reasons: ReviewReason[]): ReviewStatus {
  const t = doc.tallies[contest];
  if (!t) return null;
  const r = doc.reviews?.[contest];
  if (r && r.revision === t.revision) return r.decision === 'hold' ? 'held' : 'accepted';
  return reasons.length > 0 ? 'pending' : null;
}

/** A held tally never counts; one awaiting review counts only under `count`. */
export const countsUnder = (status: ReviewStatus, policy: FlaggedPolicy): boolean =>
  status === 'held' ? false : status === 'pending' ? policy === 'count' : true;

/** Per candidate and in total: our counted tally minus KPU's latest result. Null unless both exist and ours counts. */
export function officialDifference(doc: TpsDoc, contest: string): OfficialDifference | null {
  const t = doc.tallies[contest];
  const o = doc.official?.[contest];
  if (!t || !o || doc.counted?.[contest] === false) return null;
  const numbers = [...new Set([...Object.keys(t.form.votes), ...Object.keys(o.votes)])].sort();
  const candidates = numbers.map((number) => {
    const ours = t.form.votes[number] ?? 0;
    const official = o.votes[number] ?? 0;
    return { number, ours, official, diff: ours - official };
  });
  const ours = candidates.reduce((a, c) => a + c.ours, 0);
  const official = candidates.reduce((a, c) => a + c.official, 0);
  return {
    contest,
    tallyRevision: t.revision,
    officialTs: o.ts,
    candidates,
    total: { ours, official, diff: ours - official },
    absolute: candidates.reduce((a, c) => a + Math.abs(c.diff), 0),
  };
}
