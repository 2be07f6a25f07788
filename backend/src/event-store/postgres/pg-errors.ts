/**
 * Which pg failures mean "the store is unreachable or too slow right now" (retry later, 503) rather than a bug.
 */
import { StoreUnavailableError } from '../event-store.errors.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** 57014 query_canceled (statement_timeout), 57P0x shutdown / not accepting, 53300 too_many_connections; class 08 = connection. */
const SQLSTATES = new Set(['57014', '57P01', '57P02', '57P03', '53300']);

// pg and pg-pool signal their own connection and timeout failures only through the message text.
const MESSAGES =
  /connection terminated|connection timeout|timeout exceeded when trying to connect|query read timeout|cannot use a pool after calling end|client has encountered a connection error|client was closed|not queryable/i;

// Duck-typed, not instanceof: errors from Node's core (socket errors) may come from another realm (e.g. under jest's vm).
export function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (Array.isArray(errors) && errors.some(isUnavailable)) return true; // AggregateError from dual-stack connects
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08'))) return true;
  return typeof message === 'string' && MESSAGES.test(message);
}

/** Wraps unavailability in the port's StoreUnavailableError; anything else passes through unchanged. */
export function mapPgError(error: unknown, doing: string): unknown {
  if (!isUnavailable(error)) return error;
  const { message, code } = error as { message?: string; code?: string };
  const detail = message || code || String(error);
  return new StoreUnavailableError(`event store unavailable while ${doing}: ${detail}`, error);
}
