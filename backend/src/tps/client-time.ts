import { DomainError, type FieldProblem } from '../http/domain-error.js';

/** A phone's clock may run this far ahead of the server's (NTP-less phones drift by seconds to a few minutes). */
export const CLIENT_TIME_MAX_AHEAD_MS = 5 * 60_000;
/** A phone that was offline may sync this late; older times are refused unless they fall on the election's eve or later. */
export const CLIENT_TIME_MAX_AGE_MS = 24 * 3600_000;

/**
 * The earliest client time accepted: the older of 00:00 WIB on the eve of ELECTION_DATE and 24 h before now. On the
 * day itself (ELECTION_DATE set to it) that is the eve, so a check-in dated years back is refused; a drill on another
 * day accepts the last 24 h; a replay of a past election (ELECTION_DATE in the past, as the simulator and the tests run)
 * accepts that election's times. See docs/security.md ("Client times").
 */
export function earliestClientTime(electionDate: string, now: Date): number {
  const eve = Date.parse(`${electionDate}T00:00:00+07:00`) - 24 * 3600_000;
  return Math.min(eve, now.getTime() - CLIENT_TIME_MAX_AGE_MS);
}

/** What is wrong with a client-reported time (`at`, `observedAt`), or null when it lies in the accepted window. */
export function clientTimeProblem(iso: string, electionDate: string, now: Date): string | null {
  const t = Date.parse(iso);
  if (t > now.getTime() + CLIENT_TIME_MAX_AHEAD_MS) {
    return `is more than ${CLIENT_TIME_MAX_AHEAD_MS / 60_000} minutes ahead of the server clock (${now.toISOString()}); check the phone's clock or leave it out`;
  }
  const earliest = earliestClientTime(electionDate, now);
  if (t < earliest)
    return `is too far in the past (earliest accepted: ${new Date(earliest).toISOString()}); check the phone's clock or leave it out`;
  return null;
}

/** 400 REQUEST.INVALID naming the field when a client time lies outside the window; the server time comes with it. */
export function assertClientTime(path: string, iso: string | undefined | null, electionDate: string, now = new Date()): void {
  if (iso === undefined || iso === null) return;
  const problem = clientTimeProblem(iso, electionDate, now);
  if (!problem) return;
  const fields: FieldProblem[] = [{ path, problem }];
  throw new DomainError('REQUEST.INVALID', 400, 'The time sent is outside the accepted window', { fields, serverTime: now.toISOString() });
}
