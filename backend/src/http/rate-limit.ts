import type { AuthedRequest } from '../auth/auth.guard.js';
import type { AppConfig } from '../config/config.schema.js';

export type RateLimitConfig = Pick<
  AppConfig,
  | 'RATE_LIMIT_WRITES_PER_MIN'
  | 'RATE_LIMIT_WRITES_PER_IP_PER_MIN'
  | 'RATE_LIMIT_READS_PER_MIN'
  | 'RATE_LIMIT_READS_PER_IP_PER_MIN'
  | 'RATE_LIMIT_READS_WINDOW_SECONDS'
  | 'RATE_LIMIT_LOGIN_PER_MIN'
  | 'RATE_LIMIT_LOGIN_PER_IP_PER_MIN'
>;

/** What a limit's key is taken from: the client address, the verified caller (if any) and the body (sign-in). */
export interface LimitSubject {
  ip?: string;
  socket: { remoteAddress?: string };
  body?: unknown;
  principal?: { sub: string };
}

export type RequestKind = 'login' | 'write' | 'read';

/** One named limit: so many requests of a kind per minute, per subject (a NIP, a user, an address); 0 = off. */
export interface LimitRule {
  name: string;
  kind: RequestKind;
  perMinute: number;
  /**
   * Counted in windows of this many seconds, each allowing its share of perMinute (at least 1). Reads count per RATE_LIMIT_READS_WINDOW_SECONDS (10 s by default):
   * a flood from one token then cannot spend a minute's allowance of heavy reads at once (issue 13: 400 parallel
   * GET /api/tps took the wall's /api/summary from 8 ms to 2 s); writes and sign-ins keep a minute's burst.
   */
  windowSeconds: number;
  /** What a refusal names as used up, e.g. "writes by this user". */
  subject: string;
  key(req: LimitSubject): string | undefined;
}

const ip = (req: LimitSubject) => req.ip ?? req.socket.remoteAddress ?? 'unknown';
/** The lockout trims the NIP; so does the limit, or " 1673..." would be a fresh allowance for the same officer. */
const nipOf = (req: LimitSubject) => {
  const nip: unknown = (req.body as { nip?: unknown } | undefined)?.nip;
  return typeof nip === 'string' ? nip.trim().slice(0, 64) : undefined;
};
const user = (req: LimitSubject) => req.principal?.sub;

/**
 * The limits, checked in this order for a request of their kind; the first refusal stops the check, so the narrower
 * key (the NIP, the user) comes first and a request refused for its own NIP or user does not use up its address's
 * allowance. Per-address write and sign-in limits are high ceilings only: a posko's officers, or phones behind one
 * carrier NAT, share an address (docs/security.md).
 */
export function limitRules(config: RateLimitConfig): LimitRule[] {
  const m = 60;
  const rules: LimitRule[] = [
    {
      name: 'login-nip',
      kind: 'login',
      perMinute: config.RATE_LIMIT_LOGIN_PER_MIN,
      windowSeconds: m,
      subject: 'sign-ins for this NIP',
      key: nipOf,
    },
    {
      name: 'login-ip',
      kind: 'login',
      perMinute: config.RATE_LIMIT_LOGIN_PER_IP_PER_MIN,
      windowSeconds: m,
      subject: 'sign-ins from this address',
      key: ip,
    },
    {
      name: 'write-user',
      kind: 'write',
      perMinute: config.RATE_LIMIT_WRITES_PER_MIN,
      windowSeconds: m,
      subject: 'writes by this user',
      key: user,
    },
    {
      name: 'write-ip',
      kind: 'write',
      perMinute: config.RATE_LIMIT_WRITES_PER_IP_PER_MIN,
      windowSeconds: m,
      subject: 'writes from this address',
      key: ip,
    },
    {
      name: 'read-user',
      kind: 'read',
      perMinute: config.RATE_LIMIT_READS_PER_MIN,
      windowSeconds: config.RATE_LIMIT_READS_WINDOW_SECONDS,
      subject: 'reads by this user',
      key: user,
    },
    {
      name: 'read-ip',
      kind: 'read',
      perMinute: config.RATE_LIMIT_READS_PER_IP_PER_MIN,
      windowSeconds: config.RATE_LIMIT_READS_WINDOW_SECONDS,
      subject: 'reads from this address',
      key: ip,
    },
  ];
  return rules.filter((r) => r.perMinute > 0);
}

/** Sign-in is its own kind (public, and guessing PINs is the threat); other GET/HEAD are reads, the rest writes. */
/** What one window of a rule allows. */
export const pointsPerWindow = (r: LimitRule): number => Math.max(1, Math.ceil((r.perMinute * r.windowSeconds) / 60));

export function requestKind(req: AuthedRequest, handler: { controller: string; method: string }): RequestKind {
  if (handler.controller === 'AuthController' && handler.method === 'login') return 'login';
  return req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'write';
}
