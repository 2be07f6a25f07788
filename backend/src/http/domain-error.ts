/** A field-level problem in a request, e.g. { path: 'votes.01', problem: 'must be an integer 0..999' }. */
export interface FieldProblem {
  path: string;
  problem: string;
}

/**
 * A failure the client can act on: a stable code (`TALLY.STALE_REVISION`), an HTTP status, and details that are part
 * of the API (never internals). The one exception filter turns it into `{ code, message, ...details }`.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class ValidationError extends DomainError {
  constructor(fields: FieldProblem[], message = 'The request is not valid') {
    super('REQUEST.INVALID', 400, message, { fields });
  }
}
