import { DomainError } from '../http/domain-error.js';
import { checkRules, diffForms, findOddities, type OddityContext } from './tally-rules.js';
import type {
  FormPhotoAttached,
  OfficialResultImported,
  GeoPoint,
  IncidentCategory,
  IncidentSeverity,
  OnBehalf,
  PaperFormRecorded,
  TallyForm,
  TpsEvent,
} from './tps.events.js';

/** What a TPS stream's history decides with. */
export interface TpsState {
  checkIn: { officer: string; at: string } | null;
  /** Latest accepted tally per contest, with the stream revision of its event. */
  tallies: Record<string, { revision: number; form: TallyForm }>;
  incidents: Record<string, 'open' | 'resolved'>;
  incidentCount: number;
  /** Photos attached, `contest/page/hash` -> stream revision (absent in states folded before photos existed). */
  photos?: Record<string, number>;
}

export const initialState = (): TpsState => ({ checkIn: null, tallies: {}, incidents: {}, incidentCount: 0, photos: {} });

export const photoKey = (p: { contest: string; page: number; hash: string }): string => `${p.contest}/${p.page}/${p.hash}`;

interface TallyInput {
  tpsId: string;
  contest: string;
  form: TallyForm;
  formSerial: string | null;
  observedAt: string | null;
  acknowledgeWarnings: boolean;
  /** 9xx TPS: no 300-voter cap. */
  special: boolean;
  oddityContext?: OddityContext;
}

export type TpsCommand =
  | { type: 'CheckIn'; data: { tpsId: string; officer: string; at: string; location: GeoPoint | null } }
  | { type: 'SubmitTally'; data: TallyInput & { onBehalf?: OnBehalf } }
  | { type: 'CorrectTally'; data: TallyInput & { expectedRevision: number; reason: string } }
  | { type: 'RecordPaperForm'; data: { tpsId: string; contest: string; form: TallyForm; formSerial: string | null } }
  | {
      type: 'ReportIncident';
      data: {
        tpsId: string;
        category: IncidentCategory;
        severity: IncidentSeverity;
        description: string;
        at: string;
        location: GeoPoint | null;
      };
    }
  | { type: 'ResolveIncident'; data: { tpsId: string; incidentId: string; note: string; resolvedAt: string } }
  | { type: 'AttachPhoto'; data: FormPhotoAttached['data'] }
  | { type: 'ImportOfficialResult'; data: OfficialResultImported['data'] };

export function evolve(state: TpsState, event: TpsEvent, revision: number): TpsState {
  switch (event.type) {
    case 'OfficerCheckedIn':
      return { ...state, checkIn: state.checkIn ?? { officer: event.data.officer, at: event.data.at } };
    case 'TallySubmitted':
    case 'TallyCorrected':
      return { ...state, tallies: { ...state.tallies, [event.data.contest]: { revision, form: event.data.form } } };
    case 'PaperFormRecorded':
      return state;
    case 'IncidentReported':
      return {
        ...state,
        incidents: { ...state.incidents, [event.data.incidentId]: 'open' },
        incidentCount: state.incidentCount + 1,
      };
    case 'IncidentResolved':
      return { ...state, incidents: { ...state.incidents, [event.data.incidentId]: 'resolved' } };
    case 'IncidentReopened':
      return { ...state, incidents: { ...state.incidents, [event.data.incidentId]: 'open' } };
    case 'IncidentAcknowledged':
    case 'IncidentAssigned':
    case 'IncidentEscalated':
    case 'ContactAttempted':
    case 'OfficerAssigned':
      return state;
    case 'FormPhotoAttached':
      return { ...state, photos: { ...state.photos, [photoKey(event.data)]: revision } };
    case 'TallyReviewed':
    case 'OfficialResultImported':
      return state;
    default: {
      const never: never = event;
      throw new Error(`unknown event ${(never as { type: string }).type}`);
    }
  }
}

/** Rules broken: 422 TALLY.INCONSISTENT unless the monitor acknowledged them (then stored and flagged). */
function flagsFor(input: TallyInput) {
  const rules = checkRules(input.form, { special: input.special });
  if (rules.length > 0 && !input.acknowledgeWarnings) {
    throw new DomainError(
      'TALLY.INCONSISTENT',
      422,
      'The numbers break the form\'s consistency rules: check the form. If the form itself says so, resend with "acknowledgeWarnings": true',
      { rules },
    );
  }
  return { rules, oddities: findOddities(input.form, input.oddityContext) };
}

/** Pure: what a command on this TPS stream produces, or a DomainError. Time and actor arrive in the command. */
export function decide(command: TpsCommand, state: TpsState): TpsEvent[] {
  switch (command.type) {
    case 'CheckIn': {
      if (state.checkIn)
        throw new DomainError('CHECKIN.ALREADY_CHECKED_IN', 409, 'This TPS already has a check-in', { checkedInAt: state.checkIn.at });
      return [{ type: 'OfficerCheckedIn', data: command.data }];
    }
    case 'SubmitTally': {
      const d = command.data;
      const current = state.tallies[d.contest];
      if (current)
        throw new DomainError('TALLY.ALREADY_SUBMITTED', 409, 'A tally for this TPS and contest exists: send a correction', {
          currentRevision: current.revision,
        });
      const flags = flagsFor(d);
      return [
        {
          type: 'TallySubmitted',
          data: {
            tpsId: d.tpsId,
            contest: d.contest,
            form: d.form,
            flags,
            formSerial: d.formSerial,
            observedAt: d.observedAt,
            ...(d.onBehalf ? { onBehalf: d.onBehalf } : {}),
          },
        },
      ];
    }
    case 'CorrectTally': {
      const d = command.data;
      const current = state.tallies[d.contest];
      if (!current) throw new DomainError('TALLY.NOT_SUBMITTED', 409, 'No tally to correct: submit one first');
      if (current.revision !== d.expectedRevision)
        throw new DomainError('TALLY.STALE_REVISION', 409, 'The tally changed since you read it: read it again', {
          currentRevision: current.revision,
        });
      const diff = diffForms(current.form, d.form);
      if (diff.length === 0) throw new DomainError('TALLY.NO_CHANGE', 422, 'The correction changes no number');
      const flags = flagsFor(d);
      return [
        {
          type: 'TallyCorrected',
          data: {
            tpsId: d.tpsId,
            contest: d.contest,
            form: d.form,
            flags,
            formSerial: d.formSerial,
            observedAt: d.observedAt,
            correctsRevision: current.revision,
            reason: d.reason,
            diff,
          },
        },
      ];
    }
    case 'RecordPaperForm':
      return [{ type: 'PaperFormRecorded', data: paperReading(command.data, state.tallies[command.data.contest]) }];
    case 'ReportIncident': {
      // Readable ids the posko can say over the phone: `<TPS id>-<n>`, n counting the TPS's incidents from 1.
      const incidentId = `${command.data.tpsId}-${state.incidentCount + 1}`;
      return [{ type: 'IncidentReported', data: { incidentId, ...command.data } }];
    }
    case 'ResolveIncident': {
      const status = state.incidents[command.data.incidentId];
      if (!status) throw new DomainError('INCIDENT.NOT_FOUND', 404, 'No such incident');
      if (status === 'resolved') throw new DomainError('INCIDENT.ALREADY_RESOLVED', 409, 'The incident is already resolved');
      return [{ type: 'IncidentResolved', data: command.data }];
    }
    case 'AttachPhoto': {
      // The same bytes for the same page again are a retry: the caller answers it from the earlier event.
      const earlier = state.photos?.[photoKey(command.data)];
      if (earlier !== undefined)
        throw new DomainError('PHOTO.ALREADY_ATTACHED', 409, 'This photo is already attached to this page', { revision: earlier });
      return [{ type: 'FormPhotoAttached', data: command.data }];
    }
    case 'ImportOfficialResult':
      // A replayed file maps to the same event id (Idempotency-Key per TPS and `ts`): the handler answers it.
      return [{ type: 'OfficialResultImported', data: command.data }];
    default: {
      const never: never = command;
      throw new Error(`unknown command ${(never as { type: string }).type}`);
    }
  }
}

/**
 * A paper reading with its comparison to the online tally it was typed against (the core boxes): the data of
 * PaperFormRecorded, for a single entry here and for each reading of the blind double entry (verification.decider.ts).
 */
export function paperReading(
  d: { tpsId: string; contest: string; form: TallyForm; formSerial: string | null },
  online: { revision: number; form: TallyForm } | null | undefined,
): PaperFormRecorded['data'] {
  const differences = online ? diffForms(online.form, d.form, 'core') : [];
  return {
    tpsId: d.tpsId,
    contest: d.contest,
    form: d.form,
    formSerial: d.formSerial,
    comparedWithRevision: online?.revision ?? null,
    matches: online ? differences.length === 0 : null,
    differences,
  };
}
