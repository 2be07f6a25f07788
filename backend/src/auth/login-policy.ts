/**
 * Who may try a PIN now: the sign-in rules as one pure decision (docs/security.md, "Sign-in"). The SQL that gathers
 * the figures is in login-attempts.ts. A refusal happens before scrypt runs and records nothing.
 */
export const SIGN_IN_POLICY = {
  /** Short window for the per-client and per-NIP counts. */
  windowMinutes: 15,
  /** Failures one client may have on one NIP in the short window; then that client waits (the others do not). */
  clientFailures: 5,
  /** Past this many failures on a NIP from all clients in the short window, a client that failed waits 2^(n - this) s. */
  nipDelayAfter: 5,
  nipDelayMaxSeconds: 15 * 60,
  /** Long window: a NIP with this many failures (each client counted at most `perClientCap`) is held for the posko. */
  longWindowHours: 24,
  longLockAt: 50,
  perClientCap: 5,
  /** A client that failed on this many different NIPs in the long window is slowed to one attempt per `sprayGapSeconds`. */
  sprayNips: 50,
  sprayGapSeconds: 60,
} as const;

export type SignInPolicy = typeof SIGN_IN_POLICY;

/** What the database says about one NIP and one client (times in epoch ms; null when there was none). */
export interface AttemptFigures {
  /** The NIP waits for a posko unlock. */
  poskoLocked: boolean;
  /** This client's failures on this NIP in the short window, and the oldest of them. */
  clientFailures: number;
  clientOldestFailure: number | null;
  clientLastFailure: number | null;
  /** Failures on this NIP from every client in the short window. */
  nipFailures: number;
  /** Different NIPs this client failed on in the long window, and its last failure on any NIP. */
  sprayNips: number;
  sprayLastFailure: number | null;
}

export type Refusal =
  | { code: 'AUTH.POSKO_LOCKED'; status: 423 }
  | { code: 'AUTH.LOCKED'; status: 429; retryAfterSeconds: number; reason: 'client' | 'nip' | 'spray' };

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Null when the PIN may be checked now, else why not and for how long. */
export function decideAttempt(f: AttemptFigures, now: number, p: SignInPolicy = SIGN_IN_POLICY): Refusal | null {
  if (f.poskoLocked) return { code: 'AUTH.POSKO_LOCKED', status: 423 };
  const windowMs = p.windowMinutes * 60_000;
  if (f.clientFailures >= p.clientFailures && f.clientOldestFailure !== null) {
    return { code: 'AUTH.LOCKED', status: 429, retryAfterSeconds: seconds(f.clientOldestFailure + windowMs - now), reason: 'client' };
  }
  if (f.clientLastFailure !== null && f.nipFailures > p.nipDelayAfter) {
    const delayMs = Math.min(2 ** (f.nipFailures - p.nipDelayAfter), p.nipDelayMaxSeconds) * 1000;
    const until = f.clientLastFailure + delayMs;
    if (until > now) return { code: 'AUTH.LOCKED', status: 429, retryAfterSeconds: seconds(until - now), reason: 'nip' };
  }
  if (f.sprayNips >= p.sprayNips && f.sprayLastFailure !== null) {
    const until = f.sprayLastFailure + p.sprayGapSeconds * 1000;
    if (until > now) return { code: 'AUTH.LOCKED', status: 429, retryAfterSeconds: seconds(until - now), reason: 'spray' };
  }
  return null;
}

/** After a failure: the NIP's long-window score (each client's failures capped) reached the posko lock. */
export function reachesPoskoLock(score: number, p: SignInPolicy = SIGN_IN_POLICY): boolean {
  return score >= p.longLockAt;
}
