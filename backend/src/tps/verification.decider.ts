/**
 * The supervisor's review and the posko's blind double entry of the paper form, decided over a TPS stream's recorded
 * history (they need who wrote each version, which the folded state does not keep). Pure; rules in docs/audit.md.
 */
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { DomainError } from '../http/domain-error.js';
import { checkRules, diffForms, findOddities } from './tally-rules.js';
import type { OwnDecision } from './tps-command.handler.js';
import { paperReading, type TpsState } from './tps.decider.js';
import type { PaperFormRecorded, TallyForm, TallyReviewed, TpsEvent } from './tps.events.js';

type Recorded = RecordedEvent<TpsEvent['type'], TpsEvent['data']>;

/** Everyone who wrote a version of this contest's tally (submitted, corrected, on behalf): none of them may review it. */
export function tallyAuthors(history: readonly RecordedEvent[], contest: string): string[] {
  const out = new Set<string>();
  for (const e of history) {
    if ((e.type === 'TallySubmitted' || e.type === 'TallyCorrected') && (e.data as { contest: string }).contest === contest) {
      out.add(e.metadata.actor);
    }
  }
  return [...out];
}

export interface PaperEntry {
  revision: number;
  entry: 1 | 2;
  by: string;
  at: string;
  form: TallyForm;
  formSerial: string | null;
}

/** How the three readings of one form agree (online, first and second paper entry). */
export type Agreement = 'no_online' | 'matches' | 'awaiting_second' | 'online_and_second' | 'papers_agree' | 'none';

export interface PaperRound {
  contest: string;
  /** The online tally the entries of this round were compared with (null: none yet). */
  online: { revision: number; form: TallyForm } | null;
  entries: PaperEntry[];
  agreement: Agreement | null;
  /** The reading two sources agree on, when they do. */
  agreed: 'online' | 'paper' | null;
}

/** The paper entries typed against the current online tally of `contest`, and how they agree. */
export function paperRound(history: readonly RecordedEvent[], state: TpsState, contest: string): PaperRound {
  const current = state.tallies[contest];
  const online = current ? { revision: current.revision, form: current.form } : null;
  const entries: PaperEntry[] = [];
  for (const e of history as readonly Recorded[]) {
    if (e.type !== 'PaperFormRecorded') continue;
    const d = e.data as PaperFormRecorded['data'];
    if (d.contest !== contest || d.comparedWithRevision !== (online?.revision ?? null)) continue;
    const entry = d.entry ?? 1;
    // A new first entry starts the round again (the earlier one matched, or there was no online tally).
    if (entry === 1) entries.length = 0;
    entries.push({
      revision: Number(e.revision),
      entry,
      by: e.metadata.actor,
      at: typeof e.metadata.serverTime === 'string' ? e.metadata.serverTime : e.recordedAt.toISOString(),
      form: d.form,
      formSerial: d.formSerial,
    });
  }
  return { contest, online, entries, ...agreementOf(online?.form ?? null, entries) };
}

const same = (a: TallyForm, b: TallyForm) => diffForms(a, b, 'core').length === 0;

function agreementOf(online: TallyForm | null, entries: PaperEntry[]): Pick<PaperRound, 'agreement' | 'agreed'> {
  const [first, second] = entries;
  if (!first) return { agreement: null, agreed: null };
  if (!online) return { agreement: 'no_online', agreed: null };
  if (same(online, first.form)) return { agreement: 'matches', agreed: 'online' };
  if (!second) return { agreement: 'awaiting_second', agreed: null };
  if (same(online, second.form)) return { agreement: 'online_and_second', agreed: 'online' };
  if (same(first.form, second.form)) return { agreement: 'papers_agree', agreed: 'paper' };
  return { agreement: 'none', agreed: null };
}

/** A clerk's reading of the paper form: the first, or (when the first differed) a second by another user. */
export function paperEntryDecision(input: {
  tpsId: string;
  contest: string;
  form: TallyForm;
  formSerial: string | null;
  by: string;
}): OwnDecision {
  return {
    decideOver(history, state): TpsEvent[] {
      const round = paperRound(history, state, input.contest);
      const base = paperReading(input, round.online);
      if (round.agreement !== 'awaiting_second' && round.entries.length < 2) {
        return [{ type: 'PaperFormRecorded', data: { ...base, entry: 1 } }];
      }
      if (round.entries.length >= 2) {
        throw new DomainError('PAPER.ENTRIES_COMPLETE', 409, 'Both readings of this paper form are in: the supervisor decides', {
          entries: round.entries.map((e) => ({ revision: e.revision, entry: e.entry, by: e.by })),
        });
      }
      const first = round.entries[0];
      if (first.by === input.by) {
        throw new DomainError('PAPER.SAME_CLERK', 403, 'The second reading must be typed by another clerk than the first', {
          firstEntryBy: first.by,
        });
      }
      return [
        {
          type: 'PaperFormRecorded',
          data: { ...base, entry: 2, comparedWithEntry: first.revision, differencesFromEntry: diffForms(first.form, input.form, 'core') },
        },
      ];
    },
  };
}

/** The supervisor's accept or hold on the current tally version; nobody decides on a tally they wrote. */
export function reviewDecision(input: TallyReviewed['data']): OwnDecision {
  return {
    decideOver(history, state): TpsEvent[] {
      const current = state.tallies[input.contest];
      if (!current) throw new DomainError('TALLY.NOT_SUBMITTED', 409, 'No tally of this contest to review');
      if (current.revision !== input.revision)
        throw new DomainError('TALLY.STALE_REVISION', 409, 'The tally changed since you read it: read it again', {
          currentRevision: current.revision,
        });
      if (tallyAuthors(history, input.contest).includes(input.by))
        throw new DomainError('REVIEW.OWN_TALLY', 403, 'Nobody reviews a tally they entered or corrected: another supervisor decides');
      const last = latestReview(history, input.contest);
      if (last && last.revision === input.revision && last.decision === input.decision)
        throw new DomainError('REVIEW.NO_CHANGE', 409, `This tally version is already ${input.decision === 'hold' ? 'held' : 'accepted'}`, {
          decision: last.decision,
        });
      return [{ type: 'TallyReviewed', data: { ...input } }];
    },
  };
}

function latestReview(history: readonly RecordedEvent[], contest: string) {
  let last: { revision: number; decision: string } | null = null;
  for (const e of history) {
    if (e.type !== 'TallyReviewed') continue;
    const d = e.data as { contest: string; revision: number; decision: string };
    if (d.contest === contest) last = d;
  }
  return last;
}

/** The paper reading two clerks agreed on, as a correction of the online tally, with the entries named in its reason. */
export function correctionFromPaperDecision(input: {
  tpsId: string;
  contest: string;
  expectedRevision: number;
  special: boolean;
}): OwnDecision {
  return {
    decideOver(history, state): TpsEvent[] {
      const round = paperRound(history, state, input.contest);
      if (!round.online) throw new DomainError('TALLY.NOT_SUBMITTED', 409, 'No online tally to correct');
      if (round.online.revision !== input.expectedRevision)
        throw new DomainError('TALLY.STALE_REVISION', 409, 'The tally changed since you read it: read it again', {
          currentRevision: round.online.revision,
        });
      if (round.agreement !== 'papers_agree')
        throw new DomainError('PAPER.NOT_AGREED', 409, 'Only a paper reading two clerks typed alike can become a correction', {
          agreement: round.agreement,
        });
      const [first, second] = round.entries;
      const form = second.form;
      const reason =
        `Koreksi dari formulir kertas: entri 1 (revisi ${first.revision}, oleh ${first.by}) dan ` +
        `entri 2 (revisi ${second.revision}, oleh ${second.by}) sama`;
      // The paper says so: broken rules are kept as flags, as for a monitor who acknowledges them.
      const rules = checkRules(form, { special: input.special });
      return [
        {
          type: 'TallyCorrected',
          data: {
            tpsId: input.tpsId,
            contest: input.contest,
            form,
            flags: { rules, oddities: findOddities(form) },
            formSerial: second.formSerial ?? first.formSerial,
            observedAt: null,
            correctsRevision: round.online.revision,
            reason,
            diff: diffForms(round.online.form, form),
          },
        },
      ];
    },
  };
}
