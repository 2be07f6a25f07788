import { positionToString } from '../event-store/position.js';
import { contactsFor, type Contact, type Contacts } from '../reference/contests.js';
import type { CommandResult } from './tps-command.handler.js';
import type { PaperFormRecorded, TallyReviewed } from './tps.events.js';

/**
 * Answers are pure functions of the stored event, so a retry with the same Idempotency-Key gets exactly the first
 * answer back, rebuilt from the event it created.
 */
export function answerFor(result: CommandResult, contacts: Contacts): Record<string, unknown> {
  const { event, replayed } = result;
  const base = {
    eventId: event.id,
    revision: Number(event.revision),
    position: positionToString(event.position),
    type: event.type,
    tpsId: (event.data as { tpsId: string }).tpsId,
    ...(replayed ? { replayed: true } : {}),
  };
  const d = event.data;
  switch (event.type) {
    case 'OfficerCheckedIn':
      return { ...base, checkedInAt: (d as { at: string }).at };
    case 'TallySubmitted':
    case 'TallyCorrected': {
      const t = d as { contest: string; flags: { rules: unknown[]; oddities: unknown[] }; diff?: unknown; correctsRevision?: number };
      return {
        ...base,
        contest: t.contest,
        flagged: t.flags.rules.length + t.flags.oddities.length > 0,
        flags: t.flags,
        ...(event.type === 'TallyCorrected' ? { correctsRevision: t.correctsRevision, diff: t.diff } : {}),
      };
    }
    case 'PaperFormRecorded': {
      const p = d as PaperFormRecorded['data'];
      return {
        ...base,
        contest: p.contest,
        matches: p.matches,
        comparedWithRevision: p.comparedWithRevision,
        differences: p.differences,
        entry: p.entry ?? 1,
        ...(p.entry === 2 ? { comparedWithEntry: p.comparedWithEntry, differencesFromEntry: p.differencesFromEntry } : {}),
      };
    }
    case 'TallyReviewed': {
      const r = d as TallyReviewed['data'];
      return { ...base, contest: r.contest, reviewedRevision: r.revision, decision: r.decision };
    }
    case 'IncidentReported': {
      const i = d as { incidentId: string; category: string };
      const list: Contact[] = contactsFor(contacts, i.category);
      return { ...base, incidentId: i.incidentId, contacts: list };
    }
    case 'IncidentResolved':
      return { ...base, incidentId: (d as { incidentId: string }).incidentId };
    default:
      return base;
  }
}
