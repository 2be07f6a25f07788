import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../http/domain-error.js';
import type { Principal, Role } from './principal.js';

/** How long one node trusts what it read about a user: a removed user or a moved officer loses power within this. */
export const USER_CACHE_MS = 5000;
const CACHE_SIZE = 20_000;

interface Current {
  role: Role;
  tpsId: string | null;
  tokenVersion: number;
}

/**
 * Every request's token is checked against the user as it is now: it must still exist, with the role and TPS the
 * token names and the same token version (moved by a PIN, role or TPS change, migration 1700000000010). What was read
 * is remembered for USER_CACHE_MS, so a busy officer costs one small query per few seconds, not one per request.
 */
@Injectable()
export class UserDirectory {
  private readonly cache = new Map<string, { user: Current | null; at: number }>();
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Throws AUTH.REVOKED (401) when the token no longer matches its user. */
  async assertCurrent(p: Principal): Promise<void> {
    const user = await this.lookup(p.sub);
    if (!user) throw revoked('The user no longer exists');
    if (user.role !== p.role || (user.tpsId ?? undefined) !== p.tpsId || user.tokenVersion !== (p.tokenVersion ?? 0)) {
      throw revoked('The account changed since this token was issued: sign in again');
    }
  }

  /** Forget what was read (tests, and after this node changed a user itself). */
  forget(nip?: string): void {
    if (nip === undefined) this.cache.clear();
    else this.cache.delete(nip);
  }

  private async lookup(nip: string): Promise<Current | null> {
    const now = Date.now();
    const hit = this.cache.get(nip);
    if (hit && now - hit.at < USER_CACHE_MS) return hit.user;
    const rows = await this.db.query<
      {
        role: Role;
        tps_id: string | null;
        token_version: number;
      }[]
    >(`SELECT role, tps_id, token_version FROM users WHERE nip = $1`, [nip]);
    const user = rows[0] ? { role: rows[0].role, tpsId: rows[0].tps_id, tokenVersion: rows[0].token_version } : null;
    this.cache.delete(nip);
    this.cache.set(nip, { user, at: now });
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    return user;
  }
}

const revoked = (message: string) => new DomainError('AUTH.REVOKED', 401, message);
