import type { DataSource } from 'typeorm';

export interface HiddenLag {
  /** Committed events the xmin visibility rule still hides from every log reader (0 when none). */
  eventsHidden: number;
  /** Age of the oldest open transaction in the cluster that holds an xid (0 when none): it is what hides them. */
  oldestXidTransactionSeconds: number;
}

/**
 * The lag the PostgreSQL store's visibility rule hides (docs/event-store.md): readers see only transactions below
 * the snapshot's xmin, so one idle transaction anywhere in the cluster holds every reader back while the ordinary
 * lag says 0. Counted past the rule, plus the age of the oldest xid-holding transaction from pg_stat_activity (which
 * shows other users' sessions only to a superuser or a member of pg_read_all_stats).
 * Placeholder for the store engineer's hidden-lag function in projections/projections-health.ts: when it lands, the
 * gauges read that one and this file goes.
 */
export async function pgHiddenLag(ds: DataSource): Promise<HiddenLag> {
  const rows = await ds.query<{ hidden: string; oldest: string | null }[]>(
    `SELECT
       (SELECT count(*) FROM es.events WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot()))::text AS hidden,
       (SELECT extract(epoch FROM now() - min(xact_start)) FROM pg_stat_activity
         WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid())::text AS oldest`,
  );
  return { eventsHidden: Number(rows[0]?.hidden ?? 0), oldestXidTransactionSeconds: Math.max(0, Number(rows[0]?.oldest ?? 0)) };
}
