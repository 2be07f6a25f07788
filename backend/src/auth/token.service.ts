import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignJWT, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
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
      const payload = this.verifyHs256(token);
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
      if (e instanceof TokenExpired) throw expired();
      throw new DomainError('AUTH.INVALID_TOKEN', 401, 'The token is not valid');
    }
    this.verified.set(token, { principal, exp });
    if (this.verified.size > VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
    return principal;
  }

  /**
   * What jose's `jwtVerify(token, key, { algorithms: ['HS256'], issuer })` checks, synchronously: jose verifies an
   * HMAC through WebCrypto, whose promise hop (and its transfer of the key and data) cost every request a few percent
   * of the backend's CPU in the bench profile (docs/benchmarks.md, issue 20). jose still parses (`decodeJwt`,
   * `decodeProtectedHeader`: compact form, base64url, JSON objects) and signs; node:crypto computes the HMAC.
   * token.service.spec.ts compares this with jwtVerify on altered, foreign and expired tokens.
   */
  private verifyHs256(token: string): JWTPayload {
    const parts = token.split('.');
    if (parts.length !== 3) throw new Error('not a compact JWS');
    const header = decodeProtectedHeader(token);
    // Only HS256, and no header this verifier would have to understand (jose refuses unknown `crit`, honours `b64`).
    if (header.alg !== 'HS256' || header.crit !== undefined || header.b64 !== undefined) throw new Error('bad header');
    const expected = createHmac('sha256', this.key).update(`${parts[0]}.${parts[1]}`).digest('base64url');
    const given = Buffer.from(parts[2]);
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) throw new Error('bad signature');
    const payload = decodeJwt(token);
    const now = Math.floor(Date.now() / 1000);
    if (payload.iss !== ISSUER) throw new Error('bad issuer');
    for (const claim of ['exp', 'nbf', 'iat'] as const) {
      if (payload[claim] !== undefined && typeof payload[claim] !== 'number') throw new Error(`bad ${claim}`);
    }
    if (payload.nbf !== undefined && payload.nbf > now) throw new Error('not yet valid');
    // jose's rule: expired once the current second reaches `exp`.
    if (payload.exp !== undefined && payload.exp <= now) throw new TokenExpired('expired');
    return payload;
  }
}

class TokenExpired extends Error {}

const expired = () => new DomainError('AUTH.TOKEN_EXPIRED', 401, 'The token has expired; sign in again');
