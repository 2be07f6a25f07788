import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

export interface Kecamatan {
  /** 6-digit KPU-style code without dots, e.g. 167306 */
  code: string;
  kemendagri: string;
  name: string;
}

export interface Kelurahan {
  /** 10-digit id, e.g. 1673061002 */
  code: string;
  kemendagri: string;
  name: string;
  kecamatanCode: string;
  tpsCount: number;
}

export interface Tps {
  /** 13 digits: kelurahan code + 3-digit TPS number, e.g. 1673061002901 */
  id: string;
  number: number;
  kelurahanCode: string;
  kecamatanCode: string;
  /** 9xx: special-location TPS (prison, hospital): the 300-voter cap does not apply. */
  special: boolean;
}

export interface ReferenceData {
  city: { code: string; name: string };
  kecamatan: Kecamatan[];
  kelurahan: Kelurahan[];
  tps: Tps[];
  tpsById: Map<string, Tps>;
  kelurahanByCode: Map<string, Kelurahan>;
}

/** `1-12,901-903` -> [1..12, 901..903] */
export function expandRanges(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [a, b] = part.split('-').map((n) => Number(n));
    if (!Number.isInteger(a) || (b !== undefined && !Number.isInteger(b))) throw new Error(`bad TPS range ${part}`);
    for (let n = a; n <= (b ?? a); n++) out.push(n);
  }
  return out;
}

/** Parses the kelurahan/TPS list (the format of data/lubuklinggau-tps.csv). Codes come from the file, never generated. */
export function parseReferenceCsv(text: string, city = { code: '1673', name: 'Kota Lubuklinggau' }): ReferenceData {
  const rows: string[][] = parse(text, { skip_empty_lines: true, bom: true });
  const [header = [], ...records] = rows;
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`reference CSV lacks column ${name}`);
    return i;
  };
  const [cKode, cKec, cKecName, cKel, cCount, cNums] = [
    'kode_kemendagri',
    'kecamatan_kode',
    'kecamatan',
    'kelurahan',
    'tps_count',
    'tps_numbers',
  ].map(col);
  const kecamatan = new Map<string, Kecamatan>();
  const kelurahan: Kelurahan[] = [];
  const tps: Tps[] = [];
  for (const f of records) {
    const code = f[cKode].replace(/\./g, '');
    const kecCode = f[cKec].replace(/\./g, '');
    if (!/^\d{10}$/.test(code)) throw new Error(`bad kelurahan code ${f[cKode]}`);
    if (!kecamatan.has(kecCode)) kecamatan.set(kecCode, { code: kecCode, kemendagri: f[cKec], name: f[cKecName] });
    const numbers = expandRanges(f[cNums]);
    if (numbers.length !== Number(f[cCount])) throw new Error(`${f[cKel]}: tps_count ${f[cCount]} != ${numbers.length} numbers`);
    kelurahan.push({ code, kemendagri: f[cKode], name: f[cKel], kecamatanCode: kecCode, tpsCount: numbers.length });
    for (const n of numbers) {
      tps.push({ id: code + String(n).padStart(3, '0'), number: n, kelurahanCode: code, kecamatanCode: kecCode, special: n >= 900 });
    }
  }
  return {
    city,
    kecamatan: [...kecamatan.values()],
    kelurahan,
    tps,
    tpsById: new Map(tps.map((t) => [t.id, t])),
    kelurahanByCode: new Map(kelurahan.map((k) => [k.code, k])),
  };
}

export const DEFAULT_REFERENCE_CSV = new URL('../../data/lubuklinggau-tps.csv', import.meta.url);

export function loadReferenceData(file: URL | string = DEFAULT_REFERENCE_CSV): ReferenceData {
  return parseReferenceCsv(readFileSync(file, 'utf8'));
}
