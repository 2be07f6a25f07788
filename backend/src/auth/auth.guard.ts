import { type CanActivate, type ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '../http/domain-error.js';
import type { Principal, Role } from './principal.js';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator.js';
import { TokenService } from './token.service.js';
import { UserDirectory } from './user-directory.js';

export type AuthedRequest = Request & { principal?: Principal };

/**
 * Global: every route needs `Authorization: Bearer <token>` unless @Public(), for a user that still matches the token
 * (UserDirectory); @Roles narrows who may call it.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly users: UserDirectory,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.header('authorization') ?? '';
    const m = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
    if (!m) throw new DomainError('AUTH.UNAUTHENTICATED', 401, 'Sign in first: send Authorization: Bearer <token>');
    const principal = await this.tokens.verify(m[1]);
    // The token is genuine; the user must still be who it says (exists, same role, TPS and token version).
    await this.users.assertCurrent(principal);
    req.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(req.principal.role)) {
      throw new DomainError('AUTH.FORBIDDEN', 403, `This needs one of the roles: ${roles.join(', ')}`);
    }
    return true;
  }
}

/** The verified caller of the current request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const p = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!p) throw new DomainError('AUTH.UNAUTHENTICATED', 401, 'Sign in first');
  return p;
});
