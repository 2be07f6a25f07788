import { z } from 'zod';
import { safeText } from '../http/safe-text.js';

/** Every number box of the form holds three digits. */
const box = z.number({ error: 'must be a number' }).int('must be an integer').min(0, 'must be 0..999').max(999, 'must be 0..999');
const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time with offset, e.g. 2024-02-14T13:05:00+07:00' });

const voterRows = z.strictObject({ dpt: box, fromDpt: box, fromDptb: box, fromDpk: box });

export const geoPointSchema = z.strictObject({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  accuracyM: z.number().min(0).max(100_000).optional(),
});

/** The C.Hasil numbers, as sent by a monitor or typed in from a paper form. Unknown fields are rejected. */
export const tallyFields = {
  contest: z.string().min(1).max(20).optional(),
  votes: z.record(z.string().regex(/^\d{2}$/, 'candidate numbers are two digits, e.g. "01"'), box),
  invalid: box,
  validTotal: box.optional(),
  grandTotal: box.optional(),
  voters: z.strictObject({ dpt: box, fromDpt: box, fromDptb: box, fromDpk: box, total: box.optional() }),
  votersByGender: z.strictObject({ male: voterRows, female: voterRows }).optional(),
  ballots: z.strictObject({ received: box, used: box, spoiled: box, unused: box }),
  disabledVoters: box.optional(),
  formSerial: safeText(1, 64).optional(),
  observedAt: isoTime.optional(),
  acknowledgeWarnings: z.boolean().optional(),
};

export const submitTallySchema = z.strictObject(tallyFields);
/** A first tally an operator enters for the monitor: why, and where the numbers came from (docs/posko.md). */
export const onBehalfTallySchema = z.strictObject({
  ...tallyFields,
  reason: safeText(10, 1000, { tooShort: 'must say why the posko enters it, in at least 10 characters' }),
  source: z.enum(['phone', 'paper', 'other'], { error: 'must be phone, paper or other' }),
});
export const correctTallySchema = z.strictObject({
  ...tallyFields,
  expectedRevision: z.number().int().min(0),
  reason: safeText(10, 1000, { tooShort: 'must say why, in at least 10 characters' }),
});
export const paperFormSchema = z.strictObject({
  contest: tallyFields.contest,
  votes: tallyFields.votes,
  invalid: tallyFields.invalid,
  validTotal: tallyFields.validTotal,
  grandTotal: tallyFields.grandTotal,
  voters: tallyFields.voters,
  votersByGender: tallyFields.votersByGender,
  ballots: tallyFields.ballots,
  disabledVoters: tallyFields.disabledVoters,
  formSerial: tallyFields.formSerial,
});

export const checkInSchema = z.strictObject({ at: isoTime.optional(), location: geoPointSchema.optional() });

export const INCIDENT_CATEGORIES = ['security', 'medical', 'fire', 'vote_buying', 'logistics', 'procedure', 'disaster', 'other'] as const;
export const reportIncidentSchema = z.strictObject({
  category: z.enum(INCIDENT_CATEGORIES),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  description: safeText(3, 2000),
  at: isoTime.optional(),
  location: geoPointSchema.optional(),
});
export const resolveIncidentSchema = z.strictObject({ note: safeText(3, 2000) });

export type SubmitTallyBody = z.infer<typeof submitTallySchema>;
export type CorrectTallyBody = z.infer<typeof correctTallySchema>;
export type PaperFormBody = z.infer<typeof paperFormSchema>;
