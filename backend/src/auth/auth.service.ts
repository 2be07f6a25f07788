import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../http/domain-error.js';
import { verifyPin } from './pin-hash.js';
import type { Principal, Role } from './principal.js';
import { TokenService } from './token.service.js';
import { UserEntity } from './user.entity.js';

export const LOCKOUT = { maxFailures: 5, windowMinutes: 15 } as const;
/** A wall screen refreshes its token all election day and night; after this it must sign in again. */
export const MAX_SESSION_HOURS = 36;

export interface LoginAnswer {
  accessToken: string;
  expiresIn: number;
  role: Role;
  tpsId?: string;
  name: string;
}

// Compared against when the NIP is unknown, so a wrong NIP costs the same time as a wrong PIN.
const DUMMY_HASH = 'scrypt$16384$8$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tokens: TokenService,
  ) {}

  /**
   * 5 failures for one NIP within 15 minutes lock it for 15 minutes from the fifth (429 with Retry-After). Attempts on
   * one NIP are serialised by a transaction-scoped advisory lock, so parallel guesses cannot all pass the check before
   * any failure is recorded.
   */
  async login(nip: string, pin: string): Promise<LoginAnswer> {
    const outcome = await this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('login:' || $1))`, [nip]);
      await this.assertNotLocked(tx, nip);
      const user = await tx.getRepository(UserEntity).findOneBy({ nip });
      const ok = await verifyPin(pin, user?.pinHash ?? DUMMY_HASH);
      if (!user || !ok) {
        // Recorded and committed with the transaction; the error is raised after it, outside.
        await tx.query(`INSERT INTO login_failures (nip) VALUES ($1)`, [nip]);
        return null;
      }
      await tx.query(`DELETE FROM login_failures WHERE nip = $1`, [nip]);
      return user;
    });
    if (!outcome) {
      this.logger.warn(`failed sign-in for NIP ${JSON.stringify(nip.slice(0, 32))}`);
      throw new DomainError('AUTH.INVALID_CREDENTIALS', 401, 'NIP or PIN is wrong');
    }
    // A reserve monitor (or one replaced by a reserve) holds no TPS until the posko gives one (docs/posko.md).
    if (outcome.role === 'officer' && !outcome.tpsId)
      throw new DomainError('AUTH.NO_TPS', 403, 'This monitor holds no TPS now; the posko assigns one');
    return this.issue({ sub: outcome.nip, role: outcome.role, ...(outcome.tpsId ? { tpsId: outcome.tpsId } : {}) }, outcome.name);
  }

  /** A new token for a still-valid one (wall screens stay signed in all day). The user must still exist. */
  async refresh(p: Principal): Promise<LoginAnswer> {
    const age = Math.floor(Date.now() / 1000) - (p.signedInAt ?? 0);
    if (age > MAX_SESSION_HOURS * 3600) {
      throw new DomainError('AUTH.SESSION_EXPIRED', 401, `Signed in more than ${MAX_SESSION_HOURS} hours ago: sign in again`);
    }
    const user = await this.db.getRepository(UserEntity).findOneBy({ nip: p.sub });
    if (!user) throw new DomainError('AUTH.INVALID_TOKEN', 401, 'The user no longer exists');
    return this.issue(
      { sub: user.nip, role: user.role, ...(user.tpsId ? { tpsId: user.tpsId } : {}), signedInAt: p.signedInAt },
      user.name,
    );
  }

  private async issue(p: Principal, name: string): Promise<LoginAnswer> {
    return {
      accessToken: await this.tokens.sign(p),
      expiresIn: this.tokens.ttlSeconds,
      role: p.role,
      ...(p.tpsId ? { tpsId: p.tpsId } : {}),
      name,
    };
  }

  private async assertNotLocked(tx: EntityManager, nip: string): Promise<void> {
    const rows: { n: string; last: Date | null }[] = await tx.query(
      `SELECT count(*) AS n, max(failed_at) AS last FROM (
         SELECT failed_at FROM login_failures
         WHERE nip = $1 AND failed_at > now() - make_interval(mins => $2)
         ORDER BY failed_at DESC LIMIT $3) f`,
      [nip, LOCKOUT.windowMinutes, LOCKOUT.maxFailures],
    );
    const { n, last } = rows[0];
    if (Number(n) >= LOCKOUT.maxFailures && last) {
      const unlockAt = new Date(last).getTime() + LOCKOUT.windowMinutes * 60_000;
      const retryAfter = Math.max(1, Math.ceil((unlockAt - Date.now()) / 1000));
      throw new DomainError(
        'AUTH.LOCKED',
        429,
        `Too many failed sign-ins for this NIP; try again in ${Math.ceil(retryAfter / 60)} minutes`,
        { retryAfterSeconds: retryAfter },
        { 'Retry-After': String(retryAfter) },
      );
    }
  }
}
