import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { from, type Observable, switchMap } from 'rxjs';
import type { AuthedRequest } from '../auth/auth.guard.js';
import { requestKind } from './rate-limit.js';
import { RATE_LIMITERS, type RateLimiters } from './rate-limit.limiters.js';
import { readsCountedEarly } from './rate-limit.early.js';

/**
 * Checks the limits of limitRules() on every HTTP request. An interceptor runs after the guards, so per-user limits
 * count the verified user, and before the handler, so a refused request reads and appends nothing. A refusal is the
 * usual error body, code RATE.LIMITED, with Retry-After. Reads are counted earlier, before the logger and Nest, by
 * earlyReadLimit (rate-limit.early.ts); the check here covers sign-ins, writes and any read that did not pass it.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(@Inject(RATE_LIMITERS) private readonly limiters: RateLimiters) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const kind = requestKind(req, { controller: ctx.getClass().name, method: ctx.getHandler().name });
    if (kind === 'read' && readsCountedEarly(req)) return next.handle();
    return from(this.check(req, kind)).pipe(switchMap(() => next.handle()));
  }

  private async check(req: AuthedRequest, kind: ReturnType<typeof requestKind>): Promise<void> {
    const refusal = await this.limiters.check(kind, req);
    if (refusal) throw refusal;
  }
}
