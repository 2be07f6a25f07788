/**
 * The outbox's decisions as plain functions over plain data (no IndexedDB, no fetch, no timers), so they are
 * unit-tested on their own: what to send next, what an answer means, how long to wait before trying again.
 */

export type ReportKind = 'check-in' | 'tally' | 'correction' | 'incident' | 'photo';

export interface OutboxEntry {
  /** The Idempotency-Key, written before the first send: a retry can never store the report twice. */
  key: string;
  /** Order of creation. */
  seq: number;
  tpsId: string;
  kind: ReportKind;
  method: 'POST';
  /** API path with query, e.g. /api/tps/1673061002001/tally */
  path: string;
  /** JSON body, or the image for a photo. */
  body: unknown;
  contentType: string;
  createdAt: number;
  attempts: number;
  /** epoch ms before which it is not sent again */
  nextAt: number;
  status: 'waiting' | 'rejected';
  /** A correction's starting point (the tally as the phone knew it), to show what changed if the server's is newer. */
  basedOn?: { revision: number; votes: Record<string, number>; invalid: number } | null;
  /** The last answer that was not a success (shown to the monitor). */
  lastError?: { status: number; code: string; message: string; details: Record<string, unknown> } | null;
}

/** What came back from one send: an HTTP answer, or nothing (no network, timeout). */
export type Outcome = { status: number; code?: string; retryAfter?: string | null } | 'network';

export type Verdict =
  | { kind: 'sent' }
  | { kind: 'retry'; delayMs: number }
  /** Retrying cannot fix it: the monitor fixes or discards it. */
  | { kind: 'rejected' }
  /** The session is gone: keep the report, send it once the monitor has signed in again. */
  | { kind: 'signin' };

export const BASE_DELAY_MS = 2_000;
export const MAX_DELAY_MS = 5 * 60_000;

/** Retry-After as milliseconds from now: seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now: number): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Exponential backoff with jitter (half to full of 2 s x 2^(attempt-1), at most 5 min); never sooner than Retry-After. */
export function backoffMs(attempts: number, retryAfter: number | null, random: number): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  const jittered = Math.round(ceiling * (0.5 + random * 0.5));
  return retryAfter === null ? jittered : Math.max(jittered, retryAfter);
}

const RETRYABLE = new Set([408, 425, 429]);

/** What one answer means for the report. `attempts` counts this send. */
export function verdictFor(entry: Pick<OutboxEntry, 'kind'>, outcome: Outcome, attempts: number, now: number, random: number): Verdict {
  if (outcome === 'network') return { kind: 'retry', delayMs: backoffMs(attempts, null, random) };
  const { status } = outcome;
  if (status >= 200 && status < 300) return { kind: 'sent' };
  // Another phone (or the posko) recorded the arrival already: the report's purpose is served.
  if (status === 409 && outcome.code === 'CHECKIN.ALREADY_CHECKED_IN' && entry.kind === 'check-in') return { kind: 'sent' };
  if (status === 401) return { kind: 'signin' };
  // A write raced another on the same TPS stream: the server says to retry.
  const raced = status === 409 && outcome.code === 'STORE.CONFLICT';
  if (status >= 500 || RETRYABLE.has(status) || raced) {
    return { kind: 'retry', delayMs: backoffMs(attempts, retryAfterMs(outcome.retryAfter, now), random) };
  }
  return { kind: 'rejected' };
}

/** Arrival goes first; the rest in the order they were made (a correction is always made after its tally). */
const rank = (e: OutboxEntry): number => (e.kind === 'check-in' ? 0 : 1);
export function inSendingOrder(entries: readonly OutboxEntry[]): OutboxEntry[] {
  return [...entries].sort((a, b) => a.tpsId.localeCompare(b.tpsId) || rank(a) - rank(b) || a.seq - b.seq);
}

const tallyLike = (e: OutboxEntry): boolean => e.kind === 'tally' || e.kind === 'correction';

/**
 * The reports to send now: per TPS only the first waiting one (one at a time, in order), and only once its wait is
 * over. A refused tally or correction holds back later ones of the same TPS (they build on it); a refused report of
 * another kind holds back nothing.
 */
export function dueEntries(entries: readonly OutboxEntry[], now: number): OutboxEntry[] {
  const out: OutboxEntry[] = [];
  const seen = new Set<string>();
  const blockedTally = new Set<string>();
  for (const e of inSendingOrder(entries)) {
    if (seen.has(e.tpsId)) continue;
    if (e.status === 'rejected') {
      if (tallyLike(e)) blockedTally.add(e.tpsId);
      continue;
    }
    if (tallyLike(e) && blockedTally.has(e.tpsId)) continue;
    seen.add(e.tpsId);
    if (e.nextAt <= now) out.push(e);
  }
  return out;
}

/** When the next waiting report becomes due (null: nothing waits, so no timer runs). */
export function nextWakeAt(entries: readonly OutboxEntry[]): number | null {
  const waiting = entries.filter((e) => e.status === 'waiting').map((e) => e.nextAt);
  return waiting.length ? Math.min(...waiting) : null;
}

/** A fresh Idempotency-Key (the server accepts 8-128 of A-Z a-z 0-9 _ . : -). */
export function newKey(tpsId: string, kind: ReportKind, random: () => string): string {
  return `${tpsId}.${kind}.${random().replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 128);
}

/** Client-time fields of a report: the phone's clock, which the server bounds (docs/security.md, "Client times"). */
const CLIENT_TIME_FIELDS = new Set(['at', 'observedAt']);

/**
 * A 400 that refuses only the phone's clock (set wrong, or a report kept offline too long) is not the monitor's to fix:
 * the report goes again without its client time (the server then records its own), under a fresh key.
 * Null when the answer refused anything else.
 */
export function withoutClientTime(
  entry: OutboxEntry,
  status: number,
  answer: Record<string, unknown>,
  freshKey: string,
): OutboxEntry | null {
  const fields = answer.fields;
  if (status !== 400 || !Array.isArray(fields) || fields.length === 0) return null;
  const paths = fields.map((f) => (f as { path?: unknown }).path);
  if (!paths.every((p) => typeof p === 'string' && CLIENT_TIME_FIELDS.has(p))) return null;
  if (!entry.body || typeof entry.body !== 'object' || entry.body instanceof Blob) return null;
  const body = Object.fromEntries(Object.entries(entry.body as Record<string, unknown>).filter(([k]) => !paths.includes(k)));
  return { ...entry, key: freshKey, body, attempts: 0, nextAt: 0, status: 'waiting', lastError: null };
}
