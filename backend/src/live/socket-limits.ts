import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface SocketLimitConfig {
  LIVE_MESSAGES_PER_MIN: number;
  LIVE_FULL_RESUMES_PER_MIN: number;
}

/**
 * Messages a sign-in may send on the live channel, across all its sockets and reconnects (keyed by the sign-in, so a
 * reconnect does not start a fresh allowance). Every message takes one from `LIVE_MESSAGES_PER_MIN`; a full resume
 * (the whole picture: every TPS, kelurahan and incident) also takes one from the much smaller `LIVE_FULL_RESUMES_PER_MIN`.
 * In memory, per node.
 */
export class SocketLimits {
  private readonly messages: RateLimiterMemory;
  private readonly full: RateLimiterMemory;
  constructor(config: SocketLimitConfig) {
    this.messages = new RateLimiterMemory({ points: config.LIVE_MESSAGES_PER_MIN, duration: 60 });
    this.full = new RateLimiterMemory({ points: config.LIVE_FULL_RESUMES_PER_MIN, duration: 60 });
  }

  /** 0 when the message may run, else the milliseconds until it could. */
  message(key: string): Promise<number> {
    return take(this.messages, key);
  }

  /** Takes one full resume; 0 when allowed, else the milliseconds until one is. */
  fullResume(key: string): Promise<number> {
    return take(this.full, key);
  }

  /** Whether a full resume would be allowed now (without taking it). */
  async fullResumeLeft(key: string): Promise<boolean> {
    const r = await this.full.get(key);
    return !r || r.remainingPoints > 0;
  }
}

async function take(limiter: RateLimiterMemory, key: string): Promise<number> {
  try {
    await limiter.consume(key, 1);
    return 0;
  } catch (e) {
    if (e instanceof RateLimiterRes) return Math.max(1, e.msBeforeNext);
    throw e;
  }
}
