import { DomainError } from '../http/domain-error.js';
import { decide, evolve, initialState, type TpsCommand } from './tps.decider.js';
import type { TallyForm, TpsEvent } from './tps.events.js';

const TPS = '1673061002001';
const form = (over: Partial<TallyForm> = {}): TallyForm => ({
  votes: { '01': 60, '02': 80, '03': 35 },
  invalid: 5,
  voters: { dpt: 250, fromDpt: 170, fromDptb: 6, fromDpk: 4 },
  ballots: { received: 255, used: 180, spoiled: 2, unused: 73 },
  ...over,
});
const tallyInput = (f: TallyForm, ack = false) => ({
  tpsId: TPS,
  contest: 'PPWP',
  form: f,
  formSerial: null,
  observedAt: null,
  acknowledgeWarnings: ack,
  special: false,
});

/** given events (with their stream revisions 0..n-1), when a command, then events or an error code. */
function given(events: TpsEvent[]) {
  const state = events.reduce((s, e, i) => evolve(s, e, i), initialState());
  return {
    when: (cmd: TpsCommand) => ({
      then: (expected: Record<string, unknown>[]) => expect(decide(cmd, state)).toMatchObject(expected),
      thenFails: (code: string, details: Record<string, unknown> = {}) => {
        let err: unknown;
        try {
          decide(cmd, state);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(DomainError);
        expect(err).toMatchObject({ code, details: expect.objectContaining(details) });
      },
    }),
  };
}

const submitted = (f = form()): TpsEvent => ({
  type: 'TallySubmitted',
  data: { tpsId: TPS, contest: 'PPWP', form: f, flags: { rules: [], oddities: [] }, formSerial: null, observedAt: null },
});
const checkIn: TpsEvent = { type: 'OfficerCheckedIn', data: { tpsId: TPS, officer: TPS, at: '2024-02-14T06:40:00+07:00', location: null } };

describe('TPS decider', () => {
  it('checks an officer in once', () => {
    given([])
      .when({ type: 'CheckIn', data: checkIn.data })
      .then([{ type: 'OfficerCheckedIn' }]);
    given([checkIn]).when({ type: 'CheckIn', data: checkIn.data }).thenFails('CHECKIN.ALREADY_CHECKED_IN');
  });

  it('accepts a consistent tally with no flags', () => {
    given([checkIn])
      .when({ type: 'SubmitTally', data: tallyInput(form()) })
      .then([{ type: 'TallySubmitted', data: { flags: { rules: [], oddities: [] } } }]);
  });

  it('rejects an inconsistent tally listing every broken rule, and stores it flagged once acknowledged', () => {
    const typo = form({ votes: { '01': 60, '02': 85, '03': 35 } });
    given([])
      .when({ type: 'SubmitTally', data: tallyInput(typo) })
      .thenFails('TALLY.INCONSISTENT', {
        rules: [expect.objectContaining({ rule: 9, values: { grandTotal: 185, voters: 180 } })],
      });
    given([])
      .when({ type: 'SubmitTally', data: tallyInput(typo, true) })
      .then([{ type: 'TallySubmitted', data: { flags: { rules: [expect.objectContaining({ rule: 9 })] } } }]);
  });

  it('refuses a second tally for the same contest', () => {
    given([submitted()])
      .when({ type: 'SubmitTally', data: tallyInput(form()) })
      .thenFails('TALLY.ALREADY_SUBMITTED', { currentRevision: 0 });
  });

  it('corrects the latest tally with a field-by-field difference', () => {
    const fixed = form({ votes: { '01': 59, '02': 81, '03': 35 } });
    given([checkIn, submitted()])
      .when({ type: 'CorrectTally', data: { ...tallyInput(fixed), expectedRevision: 1, reason: 'angka salah baca dari formulir' } })
      .then([
        {
          type: 'TallyCorrected',
          data: {
            correctsRevision: 1,
            diff: [
              { path: 'votes.01', before: 60, after: 59 },
              { path: 'votes.02', before: 80, after: 81 },
            ],
          },
        },
      ]);
  });

  it('refuses stale, empty and baseless corrections', () => {
    const fixed = form({ invalid: 5, votes: { '01': 59, '02': 81, '03': 35 } });
    const cmd = (expectedRevision: number, f = fixed): TpsCommand => ({
      type: 'CorrectTally',
      data: { ...tallyInput(f), expectedRevision, reason: 'angka salah baca dari formulir' },
    });
    given([checkIn, submitted()]).when(cmd(0)).thenFails('TALLY.STALE_REVISION', { currentRevision: 1 });
    given([checkIn, submitted()]).when(cmd(1, form())).thenFails('TALLY.NO_CHANGE');
    given([checkIn]).when(cmd(0)).thenFails('TALLY.NOT_SUBMITTED');
  });

  it('compares a paper form with the online tally', () => {
    given([submitted()])
      .when({ type: 'RecordPaperForm', data: { tpsId: TPS, contest: 'PPWP', form: form({ invalid: 6 }), formSerial: 'C-1' } })
      .then([{ data: { matches: false, comparedWithRevision: 0, differences: [{ path: 'invalid', before: 5, after: 6 }] } }]);
    given([])
      .when({ type: 'RecordPaperForm', data: { tpsId: TPS, contest: 'PPWP', form: form(), formSerial: null } })
      .then([{ data: { matches: null, comparedWithRevision: null, differences: [] } }]);
  });

  it('numbers incidents per TPS and resolves each once', () => {
    const report: TpsCommand = {
      type: 'ReportIncident',
      data: {
        tpsId: TPS,
        category: 'medical',
        severity: 'high',
        description: 'pemilih pingsan',
        at: '2024-02-14T09:00:00+07:00',
        location: null,
      },
    };
    const first: TpsEvent = { type: 'IncidentReported', data: { incidentId: `${TPS}-1`, ...report.data } };
    given([first])
      .when(report)
      .then([{ data: { incidentId: `${TPS}-2` } }]);
    const resolve = (incidentId: string): TpsCommand => ({
      type: 'ResolveIncident',
      data: { tpsId: TPS, incidentId, note: 'ditangani', resolvedAt: '2024-02-14T09:30:00+07:00' },
    });
    given([first])
      .when(resolve(`${TPS}-1`))
      .then([{ type: 'IncidentResolved' }]);
    given([first, { type: 'IncidentResolved', data: resolve(`${TPS}-1`).data as never }])
      .when(resolve(`${TPS}-1`))
      .thenFails('INCIDENT.ALREADY_RESOLVED');
    given([first])
      .when(resolve(`${TPS}-9`))
      .thenFails('INCIDENT.NOT_FOUND');
  });
});

describe('AttachPhoto', () => {
  const photo = (page: number, hash = 'a'.repeat(64)) => ({
    tpsId: TPS,
    contest: 'PPWP',
    page,
    hash,
    size: 1000,
    mediaType: 'image/jpeg' as const,
    width: 1200,
    height: 900,
    cameraTime: null,
    dhash: '0f0f0f0f0f0f0f0f',
    duplicateOf: null,
  });
  const attached = (page: number, hash?: string): TpsEvent => ({ type: 'FormPhotoAttached', data: photo(page, hash) });

  it('attaches a photo to a page', () => {
    given([])
      .when({ type: 'AttachPhoto', data: photo(1) })
      .then([{ type: 'FormPhotoAttached', data: { page: 1, hash: 'a'.repeat(64) } }]);
  });
  it('the same bytes for the same page again are refused with the revision that holds them (the caller replays it)', () => {
    given([attached(1), attached(2, 'b'.repeat(64))])
      .when({ type: 'AttachPhoto', data: photo(1) })
      .thenFails('PHOTO.ALREADY_ATTACHED', { revision: 0 });
  });
  it('the same bytes for another page, or other bytes for the same page, are new attachments', () => {
    given([attached(1)])
      .when({ type: 'AttachPhoto', data: photo(2) })
      .then([{ type: 'FormPhotoAttached', data: { page: 2 } }]);
    given([attached(1)])
      .when({ type: 'AttachPhoto', data: photo(1, 'c'.repeat(64)) })
      .then([{ type: 'FormPhotoAttached', data: { page: 1 } }]);
  });
});
