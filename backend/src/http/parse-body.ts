import type { z } from 'zod';
import { ValidationError, type FieldProblem } from './domain-error.js';

/** zod issues -> `{ path, problem }` with dotted paths (`votes.01`, `ballots.used`). */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((i) => {
    const path = i.path.map(String).join('.') || '(body)';
    if (i.code === 'unrecognized_keys')
      return {
        path: [path === '(body)' ? '' : path, i.keys[0]].filter(Boolean).join('.'),
        problem: `unknown field${i.keys.length > 1 ? 's ' + i.keys.join(', ') : ''}`,
      };
    return { path, problem: i.message };
  });
}

/** Parses a request body against a strict schema; 400 REQUEST.INVALID with every problem otherwise. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError([{ path: '(body)', problem: 'must be a JSON object' }]);
  }
  const r = schema.safeParse(body);
  if (!r.success) throw new ValidationError(fieldProblems(r.error));
  return r.data;
}
