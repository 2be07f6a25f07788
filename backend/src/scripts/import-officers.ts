import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { hashPin, randomPin } from '../auth/pin-hash.js';
import { loadReferenceData } from '../reference/reference-data.js';
import { openScriptDatabase } from './script-database.js';

/**
 * `npm run officers:import -- officers.csv`: CSV with header `nip,name,phone,tps_id`. Creates or replaces each
 * officer with a fresh random PIN, printed once here (hand it over on paper) and stored only as an scrypt hash.
 */
export interface OfficerRow {
  nip: string;
  name: string;
  phone: string | null;
  tpsId: string;
}

export function parseOfficersCsv(text: string, knownTps: { has(id: string): boolean }): { rows: OfficerRow[]; problems: string[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: true,
      info: true,
    }) as unknown as typeof records;
  } catch (e) {
    return { rows: [], problems: [`not a readable CSV: ${e instanceof Error ? e.message : String(e)}`] };
  }
  const header = records[0]?.record.map((h) => h.toLowerCase()) ?? [];
  const idx = (n: string) => header.indexOf(n);
  const problems: string[] = [];
  if (['nip', 'name', 'tps_id'].some((n) => idx(n) < 0)) return { rows: [], problems: ['header must have nip,name,phone,tps_id'] };
  const rows: OfficerRow[] = [];
  const seenTps = new Map<string, number>();
  records.slice(1).forEach(({ record: f, info }) => {
    const lineNo = info.lines;
    const row = {
      nip: f[idx('nip')],
      name: f[idx('name')],
      phone: idx('phone') >= 0 ? f[idx('phone')] || null : null,
      tpsId: f[idx('tps_id')],
    };
    if (!/^\d{18}$/.test(row.nip ?? '')) problems.push(`line ${lineNo}: nip must be 18 digits`);
    if (!row.name) problems.push(`line ${lineNo}: name is empty`);
    if (!knownTps.has(row.tpsId)) problems.push(`line ${lineNo}: unknown TPS ${row.tpsId}`);
    if (seenTps.has(row.tpsId)) problems.push(`line ${lineNo}: TPS ${row.tpsId} already assigned on line ${seenTps.get(row.tpsId)}`);
    seenTps.set(row.tpsId, lineNo);
    rows.push(row);
  });
  return { rows, problems };
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npm run officers:import -- <officers.csv>   (columns nip,name,phone,tps_id)');
    process.exit(2);
  }
  const ref = loadReferenceData();
  const { rows, problems } = parseOfficersCsv(readFileSync(file, 'utf8'), ref.tpsById);
  if (problems.length) {
    console.error(`nothing imported; fix these first:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    process.exit(1);
  }
  const { db, close } = await openScriptDatabase();
  try {
    const printed: string[] = ['nip,name,tps_id,pin'];
    await db.transaction(async (tx) => {
      for (const r of rows) {
        const pin = randomPin();
        await tx.query(
          `INSERT INTO users (nip, name, phone, role, tps_id, pin_hash, demo) VALUES ($1, $2, $3, 'officer', $4, $5, false)
           ON CONFLICT (nip) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone, role = 'officer',
             tps_id = EXCLUDED.tps_id, pin_hash = EXCLUDED.pin_hash, demo = false`,
          [r.nip, r.name, r.phone, r.tpsId, await hashPin(pin)],
        );
        printed.push(`${r.nip},${r.name},${r.tpsId},${pin}`);
      }
    });
    // The only place a PIN is ever shown: stdout of this command, once. Nothing is logged.
    process.stdout.write(printed.join('\n') + '\n');
    console.error(`${rows.length} officers imported; the PINs above are not stored anywhere in clear text`);
  } finally {
    await close();
  }
}

if (process.argv[1]?.endsWith('import-officers.js')) void main();
