import { stringify } from 'csv-stringify/sync';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { positionToString } from '../event-store/position.js';
import { diffForms } from '../tps/tally-rules.js';
import type { FieldDiff, TallyForm, TpsEvent } from '../tps/tps.events.js';
import type { HistoryEntry } from './audit.contract.js';

export type { HistoryEntry };

/** A TPS stream as an auditor reads it: who, when, why, what, and what changed. Pure. */
export function tpsHistory(events: RecordedEvent[]): HistoryEntry[] {
  const latest = new Map<string, TallyForm>();
  return events.map((e) => {
    const ev = { type: e.type, data: e.data } as TpsEvent;
    let diff: FieldDiff[] = [];
    let contest: string | null = null;
    let reason: string | null = null;
    switch (ev.type) {
      case 'TallySubmitted':
      case 'TallyCorrected':
        contest = ev.data.contest;
        diff = diffForms(latest.get(contest) ?? null, ev.data.form);
        latest.set(contest, ev.data.form);
        if (ev.type === 'TallyCorrected') reason = ev.data.reason;
        else reason = ev.data.onBehalf?.reason ?? null;
        break;
      case 'PaperFormRecorded':
        contest = ev.data.contest;
        diff = ev.data.differences;
        break;
      case 'FormPhotoAttached':
        contest = ev.data.contest;
        break;
      case 'TallyReviewed':
        contest = ev.data.contest;
        reason = ev.data.reason;
        break;
      case 'OfficialResultImported': {
        // Beside ours: what KPU published differs from our latest version by these candidate votes.
        contest = ev.data.contest;
        const ours = latest.get(contest);
        diff = Object.keys({ ...ours?.votes, ...ev.data.votes })
          .sort()
          .map((n) => ({ path: `votes.${n}`, before: ours?.votes[n] ?? null, after: ev.data.votes[n] ?? null }))
          .filter((d) => d.before !== d.after);
        break;
      }
      case 'IncidentResolved':
        reason = ev.data.note;
        break;
      case 'IncidentReopened':
        reason = ev.data.reason;
        break;
      case 'IncidentAssigned':
        reason = ev.data.note;
        break;
      case 'IncidentEscalated':
      case 'ContactAttempted':
        reason = ev.data.note;
        break;
      case 'OfficerCheckedIn':
      case 'IncidentReported':
      case 'IncidentAcknowledged':
      case 'OfficerAssigned':
        break;
      default: {
        const never: never = ev;
        void never;
      }
    }
    return {
      revision: Number(e.revision),
      position: positionToString(e.position),
      eventId: e.id,
      type: ev.type,
      actor: e.metadata.actor,
      role: e.metadata.role,
      serverTime: e.metadata.serverTime,
      clientTime: e.metadata.clientTime ?? null,
      contest,
      reason,
      values: e.data,
      diff,
      hash: typeof e.metadata.hash === 'string' ? e.metadata.hash : null,
    };
  });
}

export function historyCsv(entries: HistoryEntry[]): string {
  const header = [
    'revision',
    'position',
    'type',
    'server_time',
    'client_time',
    'actor',
    'role',
    'contest',
    'reason',
    'changes',
    'values',
    'hash',
  ];
  const lines = entries.map((h) =>
    [
      h.revision,
      h.position,
      h.type,
      h.serverTime,
      h.clientTime,
      h.actor,
      h.role,
      h.contest,
      h.reason,
      h.diff.map((d) => `${d.path}: ${d.before ?? '-'} -> ${d.after ?? '-'}`).join('; '),
      h.values,
      h.hash,
    ].map((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : v)),
  );
  // Every cell quoted, CRLF rows; a cell starting with = + - @ (or a tab, a carriage return) gets a leading ' so a
  // spreadsheet shows it as text instead of running it as a formula: reasons are typed by people in the field.
  return stringify([header, ...lines], { quoted: true, quoted_empty: true, record_delimiter: 'windows', escape_formulas: true });
}
