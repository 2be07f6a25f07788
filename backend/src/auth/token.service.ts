import { Inject, Injectable } from '@nestjs/common';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { DomainError } from '../http/domain-error.js';
import { ROLES, type Principal, type Role } from './principal.js';

const ISSUER = 'sipantaumilu';

/** HS256 access tokens. Only HS256 is accepted on verify, so `alg: none` or an RS/HS confusion cannot pass. */
@Injectable()
export class TokenService {
  private readonly key: Uint8Array;
  constructor(@Inject(APP_CONFIG) private readonly config: RuntimeConfig) {
    this.key = new TextEncoder().encode(config.jwtSecret);
  }

  get ttlSeconds(): number {
    return this.config.TOKEN_TTL_SECONDS;
  }

  async sign(p: Principal): Promise<string> {
    return new SignJWT({ role: p.role, ...(p.tpsId ? { tps: p.tpsId } : {}) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(p.sub)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${this.config.TOKEN_TTL_SECONDS}s`)
      .sign(this.key);
  }

  /** Throws AUTH.INVALID_TOKEN / AUTH.TOKEN_EXPIRED (401). */
  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER });
      const role = payload.role as Role;
      if (typeof payload.sub !== 'string' || !ROLES.includes(role)) throw new Error('bad claims');
      if (role === 'officer' && typeof payload.tps !== 'string') throw new Error('officer token without TPS');
      return { sub: payload.sub, role, ...(role === 'officer' ? { tpsId: payload.tps as string } : {}) };
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw new DomainError('AUTH.TOKEN_EXPIRED', 401, 'The token has expired; sign in again');
      throw new DomainError('AUTH.INVALID_TOKEN', 401, 'The token is not valid');
    }
  }
}
