import type { RouteDoc } from '../http/api-doc.decorator.js';
import { acknowledgeSchema, assignSchema, escalateSchema, reopenSchema, resolveSchema } from './incidents.schema.js';

const written = { eventId: '0b7a0c51-8d1e-4f0e-9a43-3c1f5e0d2a11', position: '4242/4242', tpsId: '1673061002001' };
const common = {
  400: ['REQUEST.INVALID'],
  401: ['AUTH.UNAUTHENTICATED', 'AUTH.INVALID_TOKEN', 'AUTH.TOKEN_EXPIRED'],
  403: ['AUTH.FORBIDDEN'],
  404: ['INCIDENT.NOT_FOUND'],
  409: ['INCIDENT.INVALID_TRANSITION', 'STORE.CONFLICT'],
  422: ['IDEMPOTENCY.KEY_REUSED'],
};
const answer = (type: string, state: string, revision: number) => ({
  status: 201,
  example: { ...written, revision, type, incidentId: '1673061002001-1', state },
});

export const incidentsApiDocs = {
  acknowledge: {
    summary: 'Acknowledge an incident: the posko has seen it (operator, admin)',
    body: acknowledgeSchema,
    example: {},
    answer: answer('IncidentAcknowledged', 'acknowledged', 3),
    errors: common,
    idempotent: true,
  },
  assign: {
    summary: 'Assign an incident to a posko user (operator, admin)',
    body: assignSchema,
    example: { assignee: 'operator', note: 'Hubungi puskesmas terdekat' },
    answer: answer('IncidentAssigned', 'assigned', 4),
    errors: common,
    idempotent: true,
  },
  escalate: {
    summary: 'Escalate an incident to an outside party (ESCALATION_PARTIES; operator, admin)',
    body: escalateSchema,
    example: { to: 'ambulance', note: 'Pemilih pingsan, butuh ambulans' },
    answer: answer('IncidentEscalated', 'escalated', 5),
    errors: common,
    idempotent: true,
  },
  resolve: {
    summary: 'Resolve an incident (operator, admin)',
    body: resolveSchema,
    example: { note: 'Pemilih sudah ditangani tim kesehatan' },
    answer: answer('IncidentResolved', 'resolved', 6),
    errors: { ...common, 409: ['INCIDENT.ALREADY_RESOLVED', 'INCIDENT.INVALID_TRANSITION', 'STORE.CONFLICT'] },
    idempotent: true,
  },
  reopen: {
    summary: 'Reopen a resolved incident, with the reason (operator, admin)',
    body: reopenSchema,
    example: { reason: 'Pemilih kembali pingsan setelah 10 menit' },
    answer: answer('IncidentReopened', 'reopened', 7),
    errors: common,
    idempotent: true,
  },
} satisfies Record<string, RouteDoc>;
