import { z } from 'zod';
import { safeText } from '../http/safe-text.js';

const note = safeText(3, 1000, { tooShort: 'must say something, in at least 3 characters' });

export const acknowledgeSchema = z.strictObject({});
export const assignSchema = z.strictObject({ assignee: safeText(1, 64), note: note.optional() });
export const escalateSchema = z.strictObject({ to: safeText(1, 32), note });
export { resolveIncidentSchema as resolveSchema } from '../tps/tally-form.schema.js';
export const reopenSchema = z.strictObject({ reason: safeText(10, 1000, { tooShort: 'must say why, in at least 10 characters' }) });
