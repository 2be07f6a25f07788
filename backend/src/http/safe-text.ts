import { z } from 'zod';

// C0 controls except tab, newline and carriage return, and DEL: never part of a form, and NUL cannot be stored.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * Bidirectional formatting characters: embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069) and the
 * invisible marks (U+200E, U+200F, U+061C). Nobody types them into an Indonesian report; in a description they would
 * reorder what the wall and the audit screens show (an override makes "02" read "20"). Refused, never stripped, so
 * what is stored is what was sent.
 */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

/**
 * A string PostgreSQL can store and a log line or a screen cannot be forged with: well-formed UTF-16 (no lone
 * surrogates, which jsonb rejects), no control characters, no bidirectional formatting characters. Invalid text is a
 * 400 with the field named, never a 500 from the database.
 */
export const safeText = (min: number, max: number, opts: { trim?: boolean; tooShort?: string } = {}) =>
  (opts.trim === false ? z.string() : z.string().trim())
    .min(min, opts.tooShort)
    .max(max)
    .refine((s) => s.isWellFormed() && !CONTROL.test(s), 'must be plain text (no control characters or broken Unicode)')
    .refine((s) => !BIDI.test(s), 'must not contain bidirectional formatting characters (U+202A-U+202E, U+2066-U+2069, U+200E/F, U+061C)');
