import type { EntityManager } from 'typeorm';
import { SIGN_IN_POLICY as P, type AttemptFigures } from './login-policy.js';

type Runner = Pick<EntityManager, 'query'>;

const ms = (v: Date | string | null) => (v === null ? null : new Date(v).getTime());

/** The SQL behind the sign-in rules (login-policy.ts decides). Times are the database's clock throughout. */
export const loginAttempts = {
  /** Serialises attempts on one NIP; with `client`, also those of one client (taken after the NIP's, never before). */
  async lock(tx: Runner, key: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [key]);
  },

  async figures(tx: Runner, nip: string, client: string): Promise<AttemptFigures & { now: number }> {
    const [r] = await tx.query<Record<string, string | Date | boolean | null>[]>(
      `SELECT now() AS now,
         EXISTS (SELECT 1 FROM login_locks WHERE nip = $1) AS posko_locked,
         c.n AS client_failures, c.oldest AS client_oldest, c.last AS client_last,
         (SELECT count(*) FROM login_failures WHERE nip = $1 AND failed_at > now() - make_interval(mins => $3)) AS nip_failures,
         s.nips AS spray_nips, s.last AS spray_last
       FROM
         (SELECT count(*) AS n, min(failed_at) AS oldest, max(failed_at) AS last FROM login_failures
           WHERE nip = $1 AND client = $2 AND failed_at > now() - make_interval(mins => $3)) c,
         (SELECT count(DISTINCT nip) AS nips, max(failed_at) AS last FROM login_failures
           WHERE client = $2 AND failed_at > now() - make_interval(hours => $4)) s`,
      [nip, client, P.windowMinutes, P.longWindowHours],
    );
    return {
      now: ms(r.now as Date)!,
      poskoLocked: r.posko_locked === true,
      clientFailures: Number(r.client_failures),
      clientOldestFailure: ms(r.client_oldest as Date | null),
      clientLastFailure: ms(r.client_last as Date | null),
      nipFailures: Number(r.nip_failures),
      sprayNips: Number(r.spray_nips),
      sprayLastFailure: ms(r.spray_last as Date | null),
    };
  },

  /** Records an attempt as a failure before its PIN is checked; a right PIN removes it again (clearClient). */
  async recordPending(tx: Runner, nip: string, client: string): Promise<void> {
    await tx.query(`INSERT INTO login_failures (nip, client) VALUES ($1, $2)`, [nip, client]);
  },

  /** After a failure: true when the NIP reached the long-window limit and is now held for the posko. */
  async holdIfDue(tx: Runner, nip: string): Promise<boolean> {
    const [{ score, clients }] = await tx.query<{ score: number; clients: number }[]>(
      `SELECT coalesce(sum(least(n, $3)), 0)::int AS score, count(*)::int AS clients FROM (
         SELECT count(*) AS n FROM login_failures WHERE nip = $1 AND failed_at > now() - make_interval(hours => $2)
         GROUP BY client) c`,
      [nip, P.longWindowHours, P.perClientCap],
    );
    if (score < P.longLockAt) return false;
    await tx.query(`INSERT INTO login_locks (nip, failures, clients) VALUES ($1, $2, $3) ON CONFLICT (nip) DO NOTHING`, [
      nip,
      score,
      clients,
    ]);
    return true;
  },

  /** A right PIN forgets this client's own typos; other clients' failures on the NIP stay counted. */
  async clearClient(tx: Runner, nip: string, client: string): Promise<void> {
    await tx.query(`DELETE FROM login_failures WHERE nip = $1 AND client = $2`, [nip, client]);
  },

  /**
   * Bounded growth: failures leave after the long window; those for NIPs that are no user, and holds on such NIPs,
   * after the short one (they matter only to the per-client and per-NIP short-window rules).
   */
  async purge(db: Runner): Promise<{ failures: number; locks: number }> {
    const [, failures] = await db.query<[unknown, number]>(
      `DELETE FROM login_failures f WHERE failed_at < now() - make_interval(hours => $1)
         OR (failed_at < now() - make_interval(mins => $2) AND NOT EXISTS (SELECT 1 FROM users u WHERE u.nip = f.nip))`,
      [P.longWindowHours, P.windowMinutes],
    );
    const [, locks] = await db.query<[unknown, number]>(
      `DELETE FROM login_locks l WHERE locked_at < now() - make_interval(mins => $1)
         AND NOT EXISTS (SELECT 1 FROM users u WHERE u.nip = l.nip)`,
      [P.windowMinutes],
    );
    return { failures, locks };
  },

  /** The posko unlock: lifts the hold and forgets every failure on the NIP. Null nip: every NIP. */
  async unlock(db: Runner, nip: string | null): Promise<{ locks: number; failures: number }> {
    const [, locks] = await db.query<[unknown, number]>(`DELETE FROM login_locks WHERE $1::text IS NULL OR nip = $1`, [nip]);
    const [, failures] = await db.query<[unknown, number]>(`DELETE FROM login_failures WHERE $1::text IS NULL OR nip = $1`, [nip]);
    return { locks, failures };
  },

  async held(db: Runner): Promise<{ nip: string; lockedAt: string; failures: number; clients: number }[]> {
    const rows = await db.query<
      {
        nip: string;
        locked_at: Date;
        failures: number;
        clients: number;
      }[]
    >(`SELECT nip, locked_at, failures, clients FROM login_locks ORDER BY locked_at`);
    return rows.map((r) => ({ nip: r.nip, lockedAt: new Date(r.locked_at).toISOString(), failures: r.failures, clients: r.clients }));
  },
};
