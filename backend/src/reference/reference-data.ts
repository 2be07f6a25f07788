import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { TpsIndex } from './tps-index.js';

/** A province (2 digits, e.g. 16 Sumatera Selatan). */
export interface Provinsi {
  code: string;
  name: string;
}

/** A kabupaten or kota (4 digits, e.g. 1673 Kota Lubuklinggau). */
export interface Kabupaten {
  code: string;
  name: string;
  provinsiCode: string;
}

export interface Kecamatan {
  /** 6-digit KPU-style code without dots, e.g. 167306 */
  code: string;
  kemendagri: string;
  name: string;
  /** The first 4 digits of the code. */
  kabupatenCode: string;
}

/**
 * The levels of the hierarchy, top down (docs/scaling.md): provinsi (2 digits) > kabupaten/kota (4) > kecamatan (6) >
 * kelurahan/desa (10) > TPS (13). `nation` is the root when the reference holds more than one province.
 */
export const AREA_LEVELS = ['nation', 'provinsi', 'kabupaten', 'kecamatan', 'kelurahan'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];
/** Code length per level (the nation's code is empty). */
export const CODE_LENGTH: Record<AreaLevel, number> = { nation: 0, provinsi: 2, kabupaten: 4, kecamatan: 6, kelurahan: 10 };

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
  /** The root of the configured reference (the city's screens call it the city): a kabupaten/kota, a province, the nation. */
  city: { code: string; name: string };
  root: { level: 'nation' | 'provinsi' | 'kabupaten'; code: string; name: string };
  provinsi: Provinsi[];
  kabupaten: Kabupaten[];
  kecamatan: Kecamatan[];
  kelurahan: Kelurahan[];
  /**
   * @deprecated Every TPS as an array, made on use (820,000 objects nationally; kept only while someone holds it).
   * Use `tpsTotal`, `tpsOf(kelurahanCode)`, `tpsById.get/has` or `tpsById.values()` instead.
   */
  readonly tps: Tps[];
  /** The TPS by id, held compactly (tps-index.ts): get, has, size, values(), iteration like a read-only Map. */
  tpsById: TpsIndex;
  /** How many TPS the reference holds. */
  tpsTotal: number;
  /** The TPS of one kelurahan, in file order. */
  tpsOf(kelurahanCode: string): Tps[];
  kelurahanByCode: Map<string, Kelurahan>;
  /** TPS of each area by its code at every level (provinsi, kabupaten, kecamatan, kelurahan; '' is the nation). */
  tpsCount: Map<string, number>;
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

/** The optional columns naming the levels above kecamatan (a city's file may leave them out). */
const UPPER = ['provinsi_kode', 'provinsi', 'kabupaten_kode', 'kabupaten'] as const;

/**
 * Parses the kelurahan/TPS list (the format of data/lubuklinggau-tps.csv). Codes come from the file, never generated.
 * Columns `provinsi_kode,provinsi,kabupaten_kode,kabupaten` name the levels above kecamatan; without them the codes'
 * first 2 and 4 digits place each kecamatan and `city` names its one kabupaten/kota. The root is the kabupaten/kota
 * when the file holds one, the province when it holds one, else the nation.
 */
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
  const upper = UPPER.map((n) => header.indexOf(n));
  if (upper.some((i) => i >= 0) && upper.some((i) => i < 0)) throw new Error(`reference CSV: give all of ${UPPER.join(', ')} or none`);
  const [cProv, cProvName, cKab, cKabName] = upper;
  const provinsi = new Map<string, Provinsi>();
  const kabupaten = new Map<string, Kabupaten>();
  const kecamatan = new Map<string, Kecamatan>();
  const kelurahan: Kelurahan[] = [];
  const tpsNumbers: number[][] = [];
  for (const f of records) {
    const code = f[cKode].replace(/\./g, '');
    const kecCode = f[cKec].replace(/\./g, '');
    if (!/^\d{10}$/.test(code)) throw new Error(`bad kelurahan code ${f[cKode]}`);
    if (!/^\d{6}$/.test(kecCode) || !code.startsWith(kecCode))
      throw new Error(`${f[cKode]}: kecamatan code ${f[cKec]} is not its first 6 digits`);
    const kabCode = cKab >= 0 ? f[cKab].replace(/\./g, '') : kecCode.slice(0, 4);
    const provCode = cProv >= 0 ? f[cProv].replace(/\./g, '') : kecCode.slice(0, 2);
    if (kabCode !== kecCode.slice(0, 4) || provCode !== kecCode.slice(0, 2))
      throw new Error(`${f[cKode]}: provinsi ${provCode} and kabupaten ${kabCode} must be the code's first 2 and 4 digits`);
    if (!provinsi.has(provCode)) provinsi.set(provCode, { code: provCode, name: cProv >= 0 ? f[cProvName] : `Provinsi ${provCode}` });
    if (!kabupaten.has(kabCode))
      kabupaten.set(kabCode, {
        code: kabCode,
        name: cKab >= 0 ? f[cKabName] : kabCode === city.code ? city.name : `Kabupaten/Kota ${kabCode}`,
        provinsiCode: provCode,
      });
    if (!kecamatan.has(kecCode)) kecamatan.set(kecCode, { code: kecCode, kemendagri: f[cKec], name: f[cKecName], kabupatenCode: kabCode });
    const numbers = expandRanges(f[cNums]);
    if (numbers.length !== Number(f[cCount])) throw new Error(`${f[cKel]}: tps_count ${f[cCount]} != ${numbers.length} numbers`);
    if (numbers.some((n) => n < 1 || n > 999)) throw new Error(`${f[cKel]}: TPS numbers must be 1 to 999`);
    kelurahan.push({ code, kemendagri: f[cKode], name: f[cKel], kecamatanCode: kecCode, tpsCount: numbers.length });
    tpsNumbers.push(numbers);
  }
  return assemble([...provinsi.values()], [...kabupaten.values()], [...kecamatan.values()], kelurahan, tpsNumbers);
}

/** The reference from its lists (`tpsNumbers[i]`: the TPS numbers of `kelurahan[i]`): the root and the lookups. */
export function assemble(
  provinsi: Provinsi[],
  kabupaten: Kabupaten[],
  kecamatan: Kecamatan[],
  kelurahan: Kelurahan[],
  tpsNumbers: ReadonlyArray<readonly number[]>,
): ReferenceData {
  const tpsById = new TpsIndex(kelurahan, tpsNumbers);
  let all: WeakRef<Tps[]> | null = null;
  const root: ReferenceData['root'] =
    kabupaten.length === 1
      ? { level: 'kabupaten', code: kabupaten[0].code, name: kabupaten[0].name }
      : provinsi.length === 1
        ? { level: 'provinsi', code: provinsi[0].code, name: provinsi[0].name }
        : { level: 'nation', code: '', name: 'Indonesia' };
  return {
    city: { code: root.code, name: root.name },
    root,
    provinsi,
    kabupaten,
    kecamatan,
    kelurahan,
    get tps() {
      const held = all?.deref();
      if (held) return held;
      const made = [...tpsById.values()];
      all = new WeakRef(made);
      return made;
    },
    tpsById,
    tpsTotal: tpsById.size,
    tpsOf: (code) => tpsById.ofKelurahan(code),
    kelurahanByCode: new Map(kelurahan.map((k) => [k.code, k])),
    tpsCount: countTps(kelurahan),
  };
}

function countTps(kelurahan: Kelurahan[]): Map<string, number> {
  const count = new Map<string, number>();
  for (const k of kelurahan)
    for (const code of ['', k.code.slice(0, 2), k.code.slice(0, 4), k.code.slice(0, 6), k.code])
      count.set(code, (count.get(code) ?? 0) + k.tpsCount);
  return count;
}

export const DEFAULT_REFERENCE_CSV = new URL('../../data/lubuklinggau-tps.csv', import.meta.url);

export function loadReferenceData(file: URL | string = DEFAULT_REFERENCE_CSV): ReferenceData {
  return parseReferenceCsv(readFileSync(file, 'utf8'));
}
