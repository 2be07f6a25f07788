import { z } from 'zod';
import { safeText } from '../http/safe-text.js';
import { tallyFields } from './tally-form.schema.js';

/** POST /api/tps/{tpsId}/tally/review */
export const reviewTallySchema = z.strictObject({
  contest: tallyFields.contest,
  revision: z.number().int().min(0),
  decision: z.enum(['accept', 'hold'], { error: 'must be accept or hold' }),
  reason: safeText(10, 1000, { tooShort: 'must say why, in at least 10 characters' }),
});

/** POST /api/tps/{tpsId}/tally/corrections/from-paper */
export const correctionFromPaperSchema = z.strictObject({
  contest: tallyFields.contest,
  expectedRevision: z.number().int().min(0),
});
