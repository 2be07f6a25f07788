import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AuthedRequest } from '../auth/auth.guard.js';
import { DomainError } from '../http/domain-error.js';

/**
 * Global, after the AuthGuard: an officer's token names a TPS; it counts only while the users table still gives the
 * officer that TPS, so a monitor replaced by a reserve (POST /api/tps/{id}/officer) loses it on the next request, token
 * and all. Same code as the per-request user check being added on wip/auth (AUTH.REVOKED), which will replace this
 * guard once merged. One primary-key read per officer request, no cache: "at once" on every node.
 */
@Injectable()
export class OfficerTpsGuard implements CanActivate {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const p = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
    if (p?.role !== 'officer') return true;
    await assertOfficerHoldsTps(this.db, p.sub, p.tpsId);
    return true;
  }
}

/** Throws AUTH.REVOKED (401) unless `nip` is an officer holding `tpsId` now. Shared with the monitors' socket. */
export async function assertOfficerHoldsTps(db: DataSource, nip: string, tpsId: string | undefined): Promise<void> {
  const [row]: { tps_id: string | null }[] = await db.query(`SELECT tps_id FROM users WHERE nip = $1 AND role = 'officer'`, [nip]);
  if (!row || (row.tps_id ?? undefined) !== tpsId) {
    throw new DomainError('AUTH.REVOKED', 401, 'This account no longer holds that TPS: sign in again');
  }
}
