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

/** The areas above each kelurahan of these codes: '', its first 2, 4 and 6 digits. */
const ancestorsOf = (code: string) => [0, 2, 4, 6].map((n) => code.slice(0, n));

type Row = Record<string, unknown>;
const NUMERIC = (k: string) => !['kelurahan_code', 'kecamatan_code', 'contest', 'candidates', 'official_candidates'].includes(k);

function addJson(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from)) {
    if (typeof v === 'number') into[k] = ((into[k] as number | undefined) ?? 0) + v;
    else {
      const cur = (into[k] ??= {}) as Record<string, number>;
      for (const [f, n] of Object.entries(v as Record<string, number>)) cur[f] = (cur[f] ?? 0) + n;
    }
  }
}

/**
 * The rows rm_area_tally and rm_area_status must hold: the kelurahan rows summed per area above, in JavaScript (the
 * obvious answer the projection's incremental rows are checked against), in the shape a dump has.
 */
export function expectedAreaRows(dump: Record<string, unknown[]>): { rm_area_tally: Row[]; rm_area_status: Row[] } {
  const tally = new Map<string, Row>();
  const status = new Map<string, Row>();
  for (const r of dump.rm_kelurahan_tally as Row[]) {
    for (const code of ancestorsOf(r.kelurahan_code as string)) {
      const key = `${code}|${r.contest as string}`;
      const row = tally.get(key) ?? {
        area_code: code,
        contest: r.contest,
        parent_code: parentOf(code),
        candidates: {},
        official_candidates: {},
      };
      for (const [k, v] of Object.entries(r)) if (NUMERIC(k)) row[k] = Number(row[k] ?? 0) + Number(v);
      addJson(row.candidates as Record<string, unknown>, r.candidates as Record<string, unknown>);
      addJson(row.official_candidates as Record<string, unknown>, r.official_candidates as Record<string, unknown>);
      tally.set(key, row);
    }
  }
  for (const r of dump.rm_kelurahan_status as Row[]) {
    for (const code of ancestorsOf(r.kelurahan_code as string)) {
      const row = status.get(code) ?? { area_code: code, parent_code: parentOf(code) };
      for (const [k, v] of Object.entries(r)) if (NUMERIC(k)) row[k] = Number(row[k] ?? 0) + Number(v);
      status.set(code, row);
    }
  }
  // The dumps' order (ORDER BY area_code, contest in a C-collated database): code points, as JavaScript compares.
  const key = (r: Row) => [r.area_code as string, (r.contest as string | undefined) ?? ''];
  const byKey = (a: Row, b: Row) => {
    const [x, y] = [key(a), key(b)];
    return x[0] !== y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0;
  };
  return { rm_area_tally: [...tally.values()].sort(byKey), rm_area_status: [...status.values()].sort(byKey) };
}

const parentOf = (code: string) => (code.length === 0 ? null : code.slice(0, code.length === 2 ? 0 : code.length - 2));

/** A dump's area rows with bigint columns as numbers (pg returns them as strings), comparable to expectedAreaRows. */
export function numericAreaRows(dump: Record<string, unknown[]>) {
  const norm = (r: Row) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, NUMERIC(k) && !['area_code', 'parent_code'].includes(k) ? Number(v) : v]));
  return { rm_area_tally: (dump.rm_area_tally as Row[]).map(norm), rm_area_status: (dump.rm_area_status as Row[]).map(norm) };
}
