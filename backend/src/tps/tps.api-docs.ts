import type { RouteDoc } from '../http/api-doc.decorator.js';
import {
  checkInSchema,
  correctTallySchema,
  paperFormSchema,
  reportIncidentSchema,
  resolveIncidentSchema,
  submitTallySchema,
} from './tally-form.schema.js';

const form = {
  contest: 'PPWP',
  votes: { '01': 60, '02': 80, '03': 35 },
  invalid: 5,
  voters: { dpt: 250, fromDpt: 170, fromDptb: 6, fromDpk: 4 },
  ballots: { received: 255, used: 180, spoiled: 2, unused: 73 },
  disabledVoters: 3,
  formSerial: 'C-HASIL-1673061002001',
};
const written = { eventId: '6f1c2a6e-2f0b-4a43-9d2c-1b7f0b1d9e21', revision: 1, position: '1043/27', tpsId: '1673061002001' };
const common = {
  400: ['REQUEST.INVALID', 'REQUEST.MALFORMED_JSON'],
  401: ['AUTH.UNAUTHENTICATED', 'AUTH.INVALID_TOKEN'],
  503: ['STORE.UNAVAILABLE'],
};

/** OpenAPI text and examples of the monitors' write routes (served at /api/docs). */
export const tpsApiDocs = {
  checkIn: {
    summary: 'The officer arrived at the TPS',
    body: checkInSchema,
    example: { at: '2024-02-14T06:45:00+07:00', location: { lat: -3.2967, lon: 102.8617, accuracyM: 12 } },
    answer: { status: 201, example: { ...written, revision: 0, type: 'OfficerCheckedIn', checkedInAt: '2024-02-14T06:45:00+07:00' } },
    errors: { ...common, 403: ['AUTH.FORBIDDEN', 'AUTH.WRONG_TPS'], 409: ['CHECKIN.ALREADY_CHECKED_IN'] },
    idempotent: true,
  },
  submitTally: {
    summary: 'The quick-count tally read off the C.Hasil form',
    description:
      'Numbers that break the form\'s consistency rules answer 422 TALLY.INCONSISTENT listing every rule; resend with "acknowledgeWarnings": true when the paper form itself says so, and it is stored flagged. An operator may submit a first tally on the monitor\'s behalf with the same body plus a required "reason" and "source" (phone, paper or other); see docs/posko.md.',
    body: submitTallySchema,
    example: form,
    answer: {
      status: 201,
      example: { ...written, type: 'TallySubmitted', contest: 'PPWP', flagged: false, flags: { rules: [], oddities: [] } },
    },
    errors: { ...common, 403: ['AUTH.WRONG_TPS'], 409: ['TALLY.ALREADY_SUBMITTED'], 422: ['TALLY.INCONSISTENT', 'IDEMPOTENCY.KEY_REUSED'] },
    idempotent: true,
  },
  correctTally: {
    summary: 'Correct the latest tally (officer of the TPS, or posko operator)',
    body: correctTallySchema,
    example: { ...form, votes: { '01': 59, '02': 81, '03': 35 }, expectedRevision: 1, reason: 'Salah baca angka paslon 01 dan 02' },
    answer: {
      status: 201,
      example: {
        ...written,
        revision: 2,
        type: 'TallyCorrected',
        contest: 'PPWP',
        correctsRevision: 1,
        flagged: false,
        flags: { rules: [], oddities: [] },
        diff: [
          { path: 'votes.01', before: 60, after: 59 },
          { path: 'votes.02', before: 80, after: 81 },
        ],
      },
    },
    errors: { ...common, 409: ['TALLY.STALE_REVISION', 'TALLY.NOT_SUBMITTED'], 422: ['TALLY.INCONSISTENT', 'TALLY.NO_CHANGE'] },
    idempotent: true,
  },
  paperForm: {
    summary: 'The paper form as typed in at the posko (operator or auditor), compared with the online tally',
    body: paperFormSchema,
    example: { ...form, invalid: 6 },
    answer: {
      status: 201,
      example: {
        ...written,
        type: 'PaperFormRecorded',
        contest: 'PPWP',
        matches: false,
        comparedWithRevision: 1,
        differences: [{ path: 'invalid', before: 5, after: 6 }],
      },
    },
    errors: { ...common, 403: ['AUTH.FORBIDDEN'] },
    idempotent: true,
  },
  reportIncident: {
    summary: 'Report an incident at the TPS; answers whom to call',
    body: reportIncidentSchema,
    example: {
      category: 'medical',
      severity: 'high',
      description: 'Pemilih lansia pingsan di antrean',
      location: { lat: -3.29, lon: 102.86 },
    },
    answer: {
      status: 201,
      example: {
        ...written,
        type: 'IncidentReported',
        incidentId: '1673061002001-1',
        contacts: [
          { name: 'Ambulans / Gawat Darurat', phone: '118', role: 'ambulance' },
          { name: 'Posko Pemantauan', phone: '0000-DEMO-POSKO', role: 'posko' },
        ],
      },
    },
    errors: { ...common, 403: ['AUTH.WRONG_TPS'] },
    idempotent: true,
  },
  resolveIncident: {
    summary: 'Resolve an incident (posko operator)',
    body: resolveIncidentSchema,
    example: { note: 'Pemilih sudah ditangani tim kesehatan' },
    answer: { status: 201, example: { ...written, revision: 3, type: 'IncidentResolved', incidentId: '1673061002001-1' } },
    errors: { ...common, 404: ['INCIDENT.NOT_FOUND'], 409: ['INCIDENT.ALREADY_RESOLVED'] },
    idempotent: true,
  },
} satisfies Record<string, RouteDoc>;
