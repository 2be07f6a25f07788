/** The obvious, slow answer the projections are checked against: the latest tally of each TPS, summed. */
import type { DataSource } from 'typeorm';
import type { TpsEvent } from '../../tps/tps.events.js';

export function latestTallies(events: TpsEvent[], contest = 'PPWP'): Map<string, { votes: Record<string, number>; invalid: number }> {
  const latest = new Map<string, { votes: Record<string, number>; invalid: number }>();
  for (const e of events) {
    if ((e.type === 'TallySubmitted' || e.type === 'TallyCorrected') && e.data.contest === contest) {
      latest.set(e.data.tpsId, { votes: e.data.form.votes, invalid: e.data.form.invalid });
    }
  }
  return latest;
}

export function cityTotals(events: TpsEvent[]) {
  const votes: Record<string, number> = {};
  let invalid = 0;
  const latest = latestTallies(events);
  for (const t of latest.values()) {
    invalid += t.invalid;
    for (const [k, v] of Object.entries(t.votes)) votes[k] = (votes[k] ?? 0) + v;
  }
  return { votes, invalid, valid: Object.values(votes).reduce((a, b) => a + b, 0), reported: latest.size };
}

export const READ_MODEL_TABLES: Record<string, string> = {
  rm_tps: 'tps_id',
  rm_kelurahan_tally: 'kelurahan_code, contest',
  rm_kelurahan_status: 'kelurahan_code',
  rm_incident: 'incident_id',
  rm_area_tally: 'area_code, contest',
  rm_area_status: 'area_code',
};

/** Every read-model row of a schema, in key order: two builds are equal when their dumps are. */
export async function dumpTables(ds: DataSource, schema = 'public'): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [t, key] of Object.entries(READ_MODEL_TABLES)) out[t] = await ds.query(`SELECT * FROM ${schema}.${t} ORDER BY ${key}`);
  return out;
}

export async function resetReadModels(ds: DataSource, schemas = ['public']): Promise<void> {
  for (const s of schemas)
    await ds.query(
      `TRUNCATE ${Object.keys(READ_MODEL_TABLES)
        .map((t) => `${s}.${t}`)
        .join(', ')}`,
    );
  await ds.query(`DELETE FROM proj_checkpoint`);
}

export async function createShadowTables(ds: DataSource, schema: string): Promise<void> {
  await ds.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  for (const t of Object.keys(READ_MODEL_TABLES)) {
    await ds.query(`DROP TABLE IF EXISTS ${schema}.${t}`);
    await ds.query(`CREATE TABLE ${schema}.${t} (LIKE public.${t} INCLUDING ALL)`);
  }
}
