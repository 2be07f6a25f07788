import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { AuthedRequest } from '../auth/auth.guard.js';
import type { AppConfig } from '../config/config.schema.js';
import { DomainError } from './domain-error.js';
import { TokenBuckets } from './rate-limit.js';

export type RateLimitConfig = Pick<
  AppConfig,
  'RATE_LIMIT_WRITES_PER_MIN' | 'RATE_LIMIT_WRITES_PER_IP_PER_MIN' | 'RATE_LIMIT_LOGIN_PER_MIN' | 'RATE_LIMIT_LOGIN_PER_IP_PER_MIN'
>;

/**
 * Limits every POST: sign-in per NIP and per IP (scrypt makes each attempt cost CPU, and guessing PINs is the threat),
 * other writes per signed-in user and per IP. It runs after the auth guard, so writes are counted per verified user,
 * and before the handler, so a refused request reads and appends nothing. The per-IP write limit is a high ceiling
 * only: a posko's officers, or phones behind one carrier NAT, share an address (docs/security.md).
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  private readonly writesPerUser: TokenBuckets;
  private readonly writesPerIp: TokenBuckets;
  private readonly loginPerNip: TokenBuckets;
  private readonly loginPerIp: TokenBuckets;

  constructor(config: RateLimitConfig) {
    this.writesPerUser = new TokenBuckets(config.RATE_LIMIT_WRITES_PER_MIN);
    this.writesPerIp = new TokenBuckets(config.RATE_LIMIT_WRITES_PER_IP_PER_MIN);
    this.loginPerNip = new TokenBuckets(config.RATE_LIMIT_LOGIN_PER_MIN);
    this.loginPerIp = new TokenBuckets(config.RATE_LIMIT_LOGIN_PER_IP_PER_MIN);
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    if (req.method !== 'POST') return next.handle();
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const login = ctx.getClass().name === 'AuthController' && ctx.getHandler().name === 'login';
    if (login) {
      const nip: unknown = (req.body as { nip?: unknown } | undefined)?.nip;
      // The narrower key first, so a request refused for its own NIP or user does not use up the address's allowance.
      if (typeof nip === 'string') this.check(this.loginPerNip.take(nip.trim().slice(0, 64)), 'sign-ins for this NIP');
      this.check(this.loginPerIp.take(ip), 'sign-ins from this address');
    } else {
      if (req.principal) this.check(this.writesPerUser.take(req.principal.sub), 'writes by this user');
      this.check(this.writesPerIp.take(ip), 'writes from this address');
    }
    return next.handle();
  }

  private check(retryAfter: number, what: string): void {
    if (retryAfter === 0) return;
    throw new DomainError(
      'RATE.LIMITED',
      429,
      `Too many ${what}; retry in ${retryAfter} s (with the same Idempotency-Key)`,
      { retryAfterSeconds: retryAfter },
      { 'Retry-After': String(retryAfter) },
    );
  }
}
