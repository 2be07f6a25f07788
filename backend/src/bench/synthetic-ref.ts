/**
 * Synthetic reference data for the benchmark, marked as such: every code starts with 99 (no Indonesian province has
 * that code), names say "SINTETIS", and none of it is ever written next to the city's data (it lives in temp files and
 * scratch databases only).
 */
import { assemble, type Kecamatan, type Kelurahan, type ReferenceData } from '../reference/reference-data.js';

export const SYNTHETIC_PREFIX = '99';

export interface SyntheticShape {
  kelurahan: number;
  tpsPerKelurahan: number;
  kelurahanPerKecamatan: number;
}

function codes(i: number, shape: SyntheticShape) {
  const kec = Math.floor(i / shape.kelurahanPerKecamatan);
  // 99 + 4-digit kecamatan + 4-digit kelurahan = 10 digits, like 1673061002.
  const kecamatanCode = `${SYNTHETIC_PREFIX}${String(kec).padStart(4, '0')}`;
  return { kecamatanCode, code: `${kecamatanCode}${String(i % shape.kelurahanPerKecamatan).padStart(4, '0')}` };
}

/** CSV in the format of data/lubuklinggau-tps.csv, for a backend started with REFERENCE_FILE. */
export function syntheticCsv(shape: SyntheticShape): string {
  const lines = ['kode_kemendagri,kecamatan_kode,kecamatan,kelurahan,tps_count,tps_numbers'];
  for (let i = 0; i < shape.kelurahan; i++) {
    const { code, kecamatanCode } = codes(i, shape);
    lines.push(
      `${code},${kecamatanCode},SINTETIS KEC ${kecamatanCode},SINTETIS KEL ${code},${shape.tpsPerKelurahan},1-${shape.tpsPerKelurahan}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** The same, built in memory (for the national rebuild: 83,000 kelurahan, ~820,000 TPS). */
export function syntheticReference(shape: SyntheticShape): ReferenceData {
  const kecamatan = new Map<string, Kecamatan>();
  const kelurahan: Kelurahan[] = [];
  const numbers = Array.from({ length: shape.tpsPerKelurahan }, (_, n) => n + 1);
  for (let i = 0; i < shape.kelurahan; i++) {
    const { code, kecamatanCode } = codes(i, shape);
    if (!kecamatan.has(kecamatanCode))
      kecamatan.set(kecamatanCode, {
        code: kecamatanCode,
        kemendagri: kecamatanCode,
        name: `SINTETIS KEC ${kecamatanCode}`,
        kabupatenCode: kecamatanCode.slice(0, 4),
      });
    kelurahan.push({ code, kemendagri: code, name: `SINTETIS KEL ${code}`, kecamatanCode, tpsCount: shape.tpsPerKelurahan });
  }
  const kabupaten = [...new Set([...kecamatan.values()].map((k) => k.kabupatenCode))].map((code) => ({
    code,
    name: `SINTETIS KAB ${code}`,
    provinsiCode: SYNTHETIC_PREFIX,
  }));
  return assemble(
    [{ code: SYNTHETIC_PREFIX, name: 'SINTETIS (benchmark)' }],
    kabupaten,
    [...kecamatan.values()],
    kelurahan,
    kelurahan.map(() => numbers),
  );
}
