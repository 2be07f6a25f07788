import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Counter } from 'prom-client';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import { countErrorAnswer, registry } from '../metrics/metrics.js';
import type { DomainError } from './domain-error.js';
import { InFlightGate } from './rate-limit.concurrency.js';
import { type RateLimiters, rateLimited } from './rate-limit.limiters.js';

const COUNTED = Symbol('readsCountedEarly');
/** Refusals are logged as one summary line per this interval, never one line per request. */
export const SUMMARY_INTERVAL_MS = 10_000;
/** The same shape the auth guard accepts. */
const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

export const earlyRefusals = new Counter({
  name: 'sipantaumilu_http_read_refusals_total',
  help: 'Reads refused before the logger and Nest (429 RATE.LIMITED), by limit: read-user, read-ip, read-concurrent.',
  labelNames: ['limit'] as const,
  registers: [registry],
});

/** True when earlyReadLimit has already counted this request against the read limits. */
export const readsCountedEarly = (req: object): boolean => (req as { [COUNTED]?: boolean })[COUNTED] === true;

export interface EarlyReadLimitOptions {
  limiters: RateLimiters;
  /** The real verification (signature, issuer, claims, expiry); its cache makes a known token cheap. */
  tokens: { verify(token: string): Promise<Principal> };
  /** In-flight reads per user (0 = no cap) and how many more may wait for a turn. */
  concurrent: number;
  queue: number;
  /** How long a read waits for one of its user's turns before it is refused. */
  queueWaitMs: number;
  log: Pick<Logger, 'warn'>;
}

/**
 * Reads (GET/HEAD under /api) are counted and refused here, before the request logger, the guards and Nest, so a
 * refusal costs a counter and a small JSON answer rather than the whole pipeline (issue 13). The caller is the user of
 * a verified token (TokenService.verify, cached per token string); a missing, invalid or expired token is counted by
 * its address only, so it cannot use up anyone's allowance, and the guard still answers it 401 later. A user's reads
 * also run at most `concurrent` at a time; the next `queue` wait up to `queueWaitMs`, the rest are refused. A refusal
 * is the same 429 RATE.LIMITED body with Retry-After as the interceptor's; it writes no log line of its own: it is
 * counted in sipantaumilu_http_read_refusals_total and summed up in one warning per SUMMARY_INTERVAL_MS.
 */
export function earlyReadLimit(opts: EarlyReadLimitOptions): RequestHandler {
  const gate = opts.concurrent > 0 ? new InFlightGate(opts.concurrent, opts.queue, opts.queueWaitMs) : undefined;
  const summary = new RefusalSummary(opts.log);

  const caller = async (req: Request): Promise<Principal | undefined> => {
    const m = BEARER.exec(req.header('authorization') ?? '');
    return m ? opts.tokens.verify(m[1]).catch(() => undefined) : undefined;
  };

  const refuse = (req: Request, res: Response, e: DomainError) => {
    const limit = String(e.details.limit);
    earlyRefusals.inc({ limit });
    countErrorAnswer(e.code, e.status);
    summary.add(limit);
    for (const [k, v] of Object.entries(e.headers)) res.setHeader(k, v);
    res.status(e.status).json({ code: e.code, message: e.message, ...e.details, requestId: (req as { id?: string }).id });
  };

  const admit = async (req: Request, res: Response, next: NextFunction) => {
    const principal = await caller(req);
    const refusal = await opts.limiters.check('read', { ip: req.ip, socket: req.socket, principal });
    (req as { [COUNTED]?: boolean })[COUNTED] = true;
    if (refusal) return refuse(req, res, refusal);
    if (!gate || !principal) return next();
    const release = await gate.enter(principal.sub, (cancel) => res.once('close', cancel));
    if (!release) return refuse(req, res, rateLimited('reads in progress for this user', 'read-concurrent', 1));
    // 'close' follows the last byte out, and also a client that went away mid-answer.
    res.once('close', release);
    next();
  };

  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // Counting must not fail a read: on an error the interceptor counts it as before.
    admit(req, res, next).catch(() => (readsCountedEarly(req) ? undefined : next()));
  };
}

/** Counts refusals by limit and writes them as one line when the interval ends (only if there were any). */
class RefusalSummary {
  private readonly counts = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly log: Pick<Logger, 'warn'>) {}

  add(limit: string): void {
    this.counts.set(limit, (this.counts.get(limit) ?? 0) + 1);
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), SUMMARY_INTERVAL_MS);
    this.timer.unref();
  }

  private flush(): void {
    this.timer = undefined;
    const refusals = Object.fromEntries(this.counts);
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    this.counts.clear();
    const by = Object.entries(refusals)
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ');
    this.log.warn(
      { refusals, intervalSeconds: SUMMARY_INTERVAL_MS / 1000 },
      `refused ${total} reads in ${SUMMARY_INTERVAL_MS / 1000} s (${by})`,
    );
  }
}
