import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { from, type Observable, switchMap } from 'rxjs';
import type { AuthedRequest } from '../auth/auth.guard.js';
import { DomainError } from './domain-error.js';
import { requestKind } from './rate-limit.js';
import { RATE_LIMITERS, type RateLimiters } from './rate-limit.limiters.js';

/**
 * Checks the limits of limitRules() on every HTTP request. An interceptor runs after the guards, so per-user limits
 * count the verified user, and before the handler, so a refused request reads and appends nothing. A refusal is the
 * usual error body, code RATE.LIMITED, with Retry-After.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(@Inject(RATE_LIMITERS) private readonly limiters: RateLimiters) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const kind = requestKind(req, { controller: ctx.getClass().name, method: ctx.getHandler().name });
    return from(this.check(req, kind)).pipe(switchMap(() => next.handle()));
  }

  private async check(req: AuthedRequest, kind: ReturnType<typeof requestKind>): Promise<void> {
    for (const { rule, limiter } of this.limiters.for(kind)) {
      const key = rule.key(req);
      if (key === undefined) continue;
      const retryAfter = await limiter.take(key);
      if (retryAfter === 0) continue;
      throw new DomainError(
        'RATE.LIMITED',
        429,
        `Too many ${rule.subject}; retry in ${retryAfter} s (a write with the same Idempotency-Key)`,
        { retryAfterSeconds: retryAfter, limit: rule.name },
        { 'Retry-After': String(retryAfter) },
      );
    }
  }
}
