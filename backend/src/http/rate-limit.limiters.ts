import { Logger } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createClient } from 'redis';
import { DomainError } from './domain-error.js';
import { type LimitRule, type LimitSubject, type RateLimitConfig, type RequestKind, limitRules, pointsPerWindow } from './rate-limit.js';

export const RATE_LIMITERS = Symbol('RATE_LIMITERS');

/** A limit's counter: take one request for `key`; 0 when allowed, else the seconds until it would be (Retry-After). */
export interface Counter {
  take(key: string): Promise<number>;
}

class FlexibleCounter implements Counter {
  constructor(private readonly limiter: RateLimiterAbstract) {}

  async take(key: string): Promise<number> {
    try {
      await this.limiter.consume(key);
      return 0;
    } catch (e) {
      if (e instanceof RateLimiterRes) return Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      throw e;
    }
  }
}

/**
 * The counters of every limit, from rate-limiter-flexible: in Redis when REDIS_URL is set, so one limit holds across
 * all nodes behind the load balancer, else in this process's memory. If Redis stops answering, each node counts in
 * its own memory (the library's insurance limiter) until it answers again, rather than refusing or failing requests.
 */
/** The one refusal of every limit: code RATE.LIMITED, 429, Retry-After, the limit's name. */
export function rateLimited(subject: string, limit: string, retryAfter: number): DomainError {
  return new DomainError(
    'RATE.LIMITED',
    429,
    `Too many ${subject}; retry in ${retryAfter} s (a write with the same Idempotency-Key)`,
    { retryAfterSeconds: retryAfter, limit },
    { 'Retry-After': String(retryAfter) },
  );
}

export class RateLimiters {
  private constructor(
    private readonly counters: { rule: LimitRule; limiter: Counter }[],
    private readonly close_: () => Promise<void>,
  ) {}

  static async create(config: RateLimitConfig & { REDIS_URL?: string; REDIS_CHANNEL_PREFIX: string }): Promise<RateLimiters> {
    const rules = limitRules(config);
    const memory = (r: LimitRule) => new RateLimiterMemory({ keyPrefix: r.name, points: pointsPerWindow(r), duration: r.windowSeconds });
    if (!config.REDIS_URL || rules.length === 0) {
      return new RateLimiters(
        rules.map((rule) => ({ rule, limiter: new FlexibleCounter(memory(rule)) })),
        async () => undefined,
      );
    }
    const client = createClient({
      url: config.REDIS_URL,
      socket: { connectTimeout: 5000, reconnectStrategy: (n) => Math.min(n * 200, 3000) },
    });
    const logger = new Logger('RateLimit');
    let down = false;
    client.on('error', (e: unknown) => {
      if (!down) logger.warn(`Redis unavailable, rate limits count per node until it answers: ${String(e)}`);
      down = true;
    });
    client.on('ready', () => (down = false));
    await client.connect();
    return new RateLimiters(
      rules.map((rule) => ({
        rule,
        limiter: new FlexibleCounter(
          new RateLimiterRedis({
            storeClient: client,
            useRedisPackage: true,
            rejectIfRedisNotReady: true,
            keyPrefix: `${config.REDIS_CHANNEL_PREFIX}:rl:${rule.name}`,
            points: pointsPerWindow(rule),
            duration: rule.windowSeconds,
            insuranceLimiter: memory(rule),
          }),
        ),
      })),
      async () => {
        await client.quit().catch(() => undefined);
      },
    );
  }

  /** The counters for one kind of request, narrowest first. */
  for(kind: RequestKind): { rule: LimitRule; limiter: Counter }[] {
    return this.counters.filter((c) => c.rule.kind === kind);
  }

  /** Takes one request of `kind` from each limit in order; the first limit that refuses it, as its error, else undefined. */
  async check(kind: RequestKind, subject: LimitSubject): Promise<DomainError | undefined> {
    for (const { rule, limiter } of this.for(kind)) {
      const key = rule.key(subject);
      if (key === undefined) continue;
      const retryAfter = await limiter.take(key);
      if (retryAfter !== 0) return rateLimited(rule.subject, rule.name, retryAfter);
    }
    return undefined;
  }

  async onModuleDestroy(): Promise<void> {
    await this.close_();
  }
}
