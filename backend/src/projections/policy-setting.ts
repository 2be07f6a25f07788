/**
 * The FLAGGED_TALLIES policy the TPS read models were built with (docs/audit.md, "The policy"). Each TPS doc stores
 * whether its tally counted, so the totals stay consistent whatever the policy; but TPS untouched since a change would
 * keep the old policy, so the leader rebuilds `tps-status` once when the configured policy differs from this one.
 */
import type { DataSource } from 'typeorm';
import type { FlaggedPolicy } from './verification.js';

const KEY = 'flagged_tallies';

/** The policy recorded; read models built before the setting existed counted every tally (`count`). */
export async function builtWithPolicy(db: DataSource): Promise<FlaggedPolicy> {
  const [row] = await db.query<{ value: FlaggedPolicy }[]>(`SELECT value FROM proj_setting WHERE key = $1`, [KEY]);
  return row?.value ?? 'count';
}

export async function recordPolicy(db: DataSource, policy: FlaggedPolicy): Promise<void> {
  await db.query(
    `INSERT INTO proj_setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [KEY, policy],
  );
}
