import type { RouteDoc } from '../http/api-doc.decorator.js';
import { assignOfficerSchema, contactAttemptSchema } from './rollcall.schema.js';

const auth = { 401: ['AUTH.UNAUTHENTICATED', 'AUTH.INVALID_TOKEN', 'AUTH.TOKEN_EXPIRED'], 403: ['AUTH.FORBIDDEN'] };
const written = { eventId: '0b7a0c51-8d1e-4f0e-9a43-3c1f5e0d2a11', position: '4242/4242', tpsId: '1673061002001', revision: 0 };

export const rollcallApiDocs = {
  contactAttempt: {
    summary: "Record a call to the TPS's monitor (roll call; operator, admin)",
    body: contactAttemptSchema,
    example: { outcome: 'no_answer', note: 'Dua kali ditelepon, tidak diangkat' },
    answer: { status: 201, example: { ...written, type: 'ContactAttempted' } },
    errors: { ...auth, 400: ['REQUEST.INVALID'], 409: ['STORE.CONFLICT'], 422: ['IDEMPOTENCY.KEY_REUSED'] },
    idempotent: true,
  },
  assignOfficer: {
    summary: 'Give the TPS to a (reserve) monitor; the previous one loses it at once, tokens included (operator, admin)',
    body: assignOfficerSchema,
    example: { nip: 'cadangan01' },
    answer: { status: 201, example: { ...written, type: 'OfficerAssigned', officer: 'cadangan01', previous: '1673061002001' } },
    errors: {
      ...auth,
      400: ['REQUEST.INVALID'],
      409: ['OFFICER.ALREADY_ASSIGNED', 'OFFICER.HOLDS_OTHER_TPS', 'STORE.CONFLICT'],
      422: ['IDEMPOTENCY.KEY_REUSED'],
    },
    idempotent: true,
  },
} satisfies Record<string, RouteDoc>;
