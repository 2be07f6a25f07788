import { Inject, Injectable } from '@nestjs/common';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { DomainError } from '../http/domain-error.js';
import { ROLES, type Principal, type Role } from './principal.js';

const ISSUER = 'sipantaumilu';
/** A wall screen refreshes its token all election day and night; no token outlives its sign-in by more than this. */
export const MAX_SESSION_HOURS = 36;
/** Verified tokens remembered: every request of a signed-in officer carries the same token until it expires. */
const VERIFIED_CACHE_SIZE = 10_000;

/** HS256 access tokens. Only HS256 is accepted on verify, so `alg: none` or an RS/HS confusion cannot pass. */
@Injectable()
export class TokenService {
  private readonly key: Uint8Array;
  /**
   * Token string -> what its verification gave, in least-recently-used order. A hit skips only the signature work: the
   * exact string passed jose's HS256, issuer and claims checks before, and expiry is checked again on every hit.
   */
  private readonly verified = new Map<string, { principal: Principal; exp: number }>();
  constructor(@Inject(APP_CONFIG) private readonly config: RuntimeConfig) {
    this.key = new TextEncoder().encode(config.jwtSecret);
  }

  get ttlSeconds(): number {
    return this.config.TOKEN_TTL_SECONDS;
  }

  /** When a token signed now for this sign-in time expires (epoch s): the TTL, but never past sign-in + 36 h. */
  expiryFor(signedInAt: number, now = Math.floor(Date.now() / 1000)): number {
    return Math.min(now + this.config.TOKEN_TTL_SECONDS, signedInAt + MAX_SESSION_HOURS * 3600);
  }

  async sign(p: Principal): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const sia = p.signedInAt ?? now;
    const claims = { role: p.role, sia, ...(p.tpsId ? { tps: p.tpsId } : {}), ...(p.tokenVersion ? { ver: p.tokenVersion } : {}) };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(p.sub)
      .setIssuer(ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(this.expiryFor(sia, now))
      .sign(this.key);
  }

  /** Throws AUTH.INVALID_TOKEN / AUTH.TOKEN_EXPIRED (401). */
  async verify(token: string): Promise<Principal> {
    const hit = this.verified.get(token);
    if (hit) {
      this.verified.delete(token);
      // jose's rule: expired once the current second reaches `exp`.
      if (Math.floor(Date.now() / 1000) >= hit.exp) throw expired();
      this.verified.set(token, hit);
      return hit.principal;
    }
    let principal: Principal;
    let exp: number;
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER });
      const role = payload.role as Role;
      if (typeof payload.sub !== 'string' || !ROLES.includes(role)) throw new Error('bad claims');
      if (role === 'officer' && typeof payload.tps !== 'string') throw new Error('officer token without TPS');
      if (typeof payload.exp !== 'number') throw new Error('token without expiry');
      const signedInAt = typeof payload.sia === 'number' ? payload.sia : (payload.iat ?? 0);
      if (payload.ver !== undefined && !Number.isSafeInteger(payload.ver)) throw new Error('bad token version');
      principal = {
        sub: payload.sub,
        role,
        ...(role === 'officer' ? { tpsId: payload.tps as string } : {}),
        signedInAt,
        tokenVersion: (payload.ver as number | undefined) ?? 0,
        expiresAt: payload.exp,
      };
      exp = payload.exp;
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw expired();
      throw new DomainError('AUTH.INVALID_TOKEN', 401, 'The token is not valid');
    }
    this.verified.set(token, { principal, exp });
    if (this.verified.size > VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
    return principal;
  }
}

const expired = () => new DomainError('AUTH.TOKEN_EXPIRED', 401, 'The token has expired; sign in again');
