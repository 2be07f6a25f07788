import { z } from 'zod';
import { safeText } from '../http/safe-text.js';

export const contactAttemptSchema = z.strictObject({
  outcome: z.enum(['reached', 'no_answer', 'wrong_number', 'unreachable'], {
    error: 'must be reached, no_answer, wrong_number or unreachable',
  }),
  note: safeText(1, 1000).optional(),
});

export const assignOfficerSchema = z.strictObject({
  nip: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be the NIP of a monitor'),
});
