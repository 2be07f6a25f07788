import type { RouteDoc } from '../http/api-doc.decorator.js';
import { correctionFromPaperSchema, reviewTallySchema } from './verification.schema.js';

const written = { eventId: '3b6f1c1e-2f43-4c55-9a41-8f0c1d7e2a10', revision: 4, position: '5123/5123', tpsId: '1673061002001' };
const common = { 400: ['REQUEST.INVALID'], 401: ['AUTH.UNAUTHENTICATED', 'AUTH.INVALID_TOKEN'], 403: ['AUTH.FORBIDDEN'] };

/** OpenAPI of the verification routes (docs/audit.md). */
export const verificationApiDocs = {
  review: {
    summary: "A supervisor's decision on the current tally: accept (it counts) or hold (left out of every total)",
    body: reviewTallySchema,
    example: { contest: 'PPWP', revision: 1, decision: 'hold', reason: 'Foto C.Hasil sama dengan TPS lain' },
    answer: { status: 201, example: { ...written, type: 'TallyReviewed' } },
    errors: {
      ...common,
      403: ['AUTH.FORBIDDEN', 'REVIEW.OWN_TALLY'],
      409: ['TALLY.NOT_SUBMITTED', 'TALLY.STALE_REVISION', 'REVIEW.NO_CHANGE'],
    },
    idempotent: true,
  },
  fromPaper: {
    summary: 'The paper reading two clerks typed alike becomes a correction of the online tally (supervisor)',
    body: correctionFromPaperSchema,
    example: { contest: 'PPWP', expectedRevision: 1 },
    answer: { status: 201, example: { ...written, type: 'TallyCorrected', correctsRevision: 1 } },
    errors: { ...common, 409: ['TALLY.NOT_SUBMITTED', 'TALLY.STALE_REVISION', 'PAPER.NOT_AGREED'] },
    idempotent: true,
  },
  queue: {
    summary: 'The review queue: tallies awaiting a decision (or held), longest waiting first',
    answer: { status: 200, example: { status: 'pending', area: '1673', items: [] } },
    errors: common,
  },
  paperEntries: {
    summary: 'The paper entries typed against the current online tally and which of the three readings agree',
    answer: {
      status: 200,
      example: { contest: 'PPWP', online: null, entries: [], agreement: null, agreed: null },
    },
    errors: { ...common, 403: ['AUTH.FORBIDDEN', 'PAPER.BLIND'] },
  },
  differences: {
    summary: 'TPS where our counted tally and the latest official (KPU) result differ, largest first, paged',
    answer: { status: 200, example: { area: '1673', contest: 'PPWP', total: 0, limit: 50, offset: 0, items: [] } },
    errors: common,
  },
} satisfies Record<string, RouteDoc>;
