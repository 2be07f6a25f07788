import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../http/domain-error.js';
import { loginAttempts } from './login-attempts.js';
import { decideAttempt, SIGN_IN_POLICY, type Refusal } from './login-policy.js';
import { dummyHash, verifyPin } from './pin-hash.js';
import type { Principal, Role } from './principal.js';
import { MAX_SESSION_HOURS, TokenService } from './token.service.js';
import { UserEntity } from './user.entity.js';

export { MAX_SESSION_HOURS } from './token.service.js';

/** How often stale sign-in failures are purged (login-attempts.ts, purge). */
const PURGE_EVERY_MS = 5 * 60_000;

export interface LoginAnswer {
  accessToken: string;
  expiresIn: number;
  role: Role;
  tpsId?: string;
  name: string;
}

type Outcome = { refusal: Refusal } | { user: UserEntity | null };

@Injectable()
export class AuthService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Auth');
  private purgeTimer: ReturnType<typeof setInterval> | null = null;
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tokens: TokenService,
  ) {}

  onModuleInit(): void {
    // Made before the first sign-in, so an unknown NIP never costs a second scrypt (the dummy's own making).
    void dummyHash();
    this.purgeTimer = setInterval(() => {
      this.purge().catch((e: unknown) =>
        this.logger.warn(`purging sign-in failures failed: ${e instanceof Error ? e.message : String(e)}`),
      );
    }, PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
  }

  /**
   * The sign-in rules (login-policy.ts, docs/security.md "Sign-in"): failures count per (NIP, client) and per NIP,
   * a client that keeps failing waits, other clients do not; a NIP guessed at from many clients is held for the posko.
   * Attempts on one NIP are serialised by a transaction-scoped advisory lock and each is counted as a failure before
   * its PIN is checked, so parallel guesses cannot all pass; a client that sprays many NIPs is serialised on its own
   * key too. A right PIN removes the count again.
   */
  async login(rawNip: string, pin: string, client: string): Promise<LoginAnswer> {
    const nip = rawNip.trim();
    // 1. Under the NIP's lock, decide and record the attempt as a failure before the PIN is checked: parallel guesses
    //    each see the ones before them, and no connection is held while scrypt runs.
    const outcome = await this.db.transaction(async (tx): Promise<Outcome> => {
      await loginAttempts.lock(tx, `login:${nip}`);
      let figures = await loginAttempts.figures(tx, nip, client);
      if (figures.sprayNips >= SIGN_IN_POLICY.sprayNips - 1) {
        // The spray rule spans NIPs: near and past it, parallel attempts from one client meet it one at a time.
        await loginAttempts.lock(tx, `login-client:${client}`);
        figures = await loginAttempts.figures(tx, nip, client);
      }
      const refusal = decideAttempt(figures, figures.now);
      if (refusal) return { refusal };
      await loginAttempts.recordPending(tx, nip, client);
      return { user: await tx.getRepository(UserEntity).findOneBy({ nip }) };
    });
    if ('refusal' in outcome) throw refusalError(outcome.refusal);
    // 2. The PIN, against a real hash either way (an unknown NIP costs the same scrypt).
    const user = outcome.user;
    if (user && (await verifyPin(pin, user.pinHash))) {
      await loginAttempts.clearClient(this.db, nip, client);
      // A reserve monitor (or one replaced by a reserve) holds no TPS until the posko gives one (docs/posko.md).
      if (user.role === 'officer' && !user.tpsId)
        throw new DomainError('AUTH.NO_TPS', 403, 'This monitor holds no TPS now; the posko assigns one');
      return this.issue(
        { sub: user.nip, role: user.role, ...(user.tpsId ? { tpsId: user.tpsId } : {}), tokenVersion: user.tokenVersion },
        user.name,
      );
    }
    if (!user) await verifyPin(pin, await dummyHash());
    const held = await loginAttempts.holdIfDue(this.db, nip);
    this.logger.warn(
      `failed sign-in for NIP ${JSON.stringify(nip.slice(0, 32))} from ${client}${held ? ': NIP now held for a posko unlock' : ''}`,
    );
    throw new DomainError('AUTH.INVALID_CREDENTIALS', 401, 'NIP or PIN is wrong');
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
      {
        sub: user.nip,
        role: user.role,
        ...(user.tpsId ? { tpsId: user.tpsId } : {}),
        signedInAt: p.signedInAt,
        tokenVersion: user.tokenVersion,
      },
      user.name,
    );
  }

  /** The posko unlock (route and `npm run users:unlock`): lifts a hold and forgets the NIP's failures. */
  async unlock(nip: string | null, by: string): Promise<{ locks: number; failures: number }> {
    const result = await loginAttempts.unlock(this.db, nip === null ? null : nip.trim());
    this.logger.warn(
      `sign-in unlock of ${nip === null ? 'every NIP' : JSON.stringify(nip.slice(0, 32))} by ${by}: ${result.locks} held, ${result.failures} failures forgotten`,
    );
    return result;
  }

  held() {
    return loginAttempts.held(this.db);
  }

  purge() {
    return loginAttempts.purge(this.db);
  }

  private async issue(p: Principal, name: string): Promise<LoginAnswer> {
    const now = Math.floor(Date.now() / 1000);
    return {
      accessToken: await this.tokens.sign(p),
      expiresIn: this.tokens.expiryFor(p.signedInAt ?? now, now) - now,
      role: p.role,
      ...(p.tpsId ? { tpsId: p.tpsId } : {}),
      name,
    };
  }
}

function refusalError(r: Refusal): DomainError {
  if (r.code === 'AUTH.POSKO_LOCKED') {
    return new DomainError(r.code, r.status, 'Too many failed sign-ins for this NIP: ask the posko to unlock it');
  }
  const minutes = Math.ceil(r.retryAfterSeconds / 60);
  return new DomainError(
    r.code,
    r.status,
    `Too many failed sign-ins; try again in ${r.retryAfterSeconds < 60 ? `${r.retryAfterSeconds} seconds` : `${minutes} minutes`}`,
    { retryAfterSeconds: r.retryAfterSeconds, reason: r.reason },
    { 'Retry-After': String(r.retryAfterSeconds) },
  );
}
