import { z } from 'zod';

// C0 controls except tab, newline and carriage return, and DEL: never part of a form, and NUL cannot be stored.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * A string PostgreSQL can store and a log line cannot be forged with: well-formed UTF-16 (no lone surrogates, which
 * jsonb rejects) and no control characters. Invalid text is a 400 with the field named, never a 500 from the database.
 */
export const safeText = (min: number, max: number, opts: { trim?: boolean; tooShort?: string } = {}) =>
  (opts.trim === false ? z.string() : z.string().trim())
    .min(min, opts.tooShort)
    .max(max)
    .refine((s) => s.isWellFormed() && !CONTROL.test(s), 'must be plain text (no control characters or broken Unicode)');
