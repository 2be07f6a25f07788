/**
 * A synthetic national reference shaped like Indonesia's (domain.md: 38 provinces, 514 kabupaten/kota, about 7,300
 * kecamatan, about 83,000 kelurahan/desa, 1 to 40 TPS each, about 820,000 TPS), for measuring the system at national
 * size (`npm run reference:synthetic`). Marked as such: every name says SINTETIS, and the province codes are ones no
 * real province has (99, 98, 90, 89, ...; the real ones are 11-19, 21, 31-36, 51-53, 61-65, 71-76, 81-82, 91-97), so
 * no synthetic code is a real area's. (A 2-digit province code cannot start with 99 for 38 provinces; within each
 * province every code starts with its province's code.) Deterministic for a seed.
 */
import { createRng } from '../simulator/prng.js';

const REAL_PROVINCES = new Set([
  11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92,
  93, 94, 95, 96, 97,
]);

/** Province codes no real province uses, from 99 down. */
export const SYNTHETIC_PROVINCE_CODES: string[] = Array.from({ length: 89 }, (_, i) => 99 - i)
  .filter((c) => c >= 10 && !REAL_PROVINCES.has(c))
  .map(String);

export interface NationShape {
  provinsi: number;
  kabupaten: number;
  kecamatan: number;
  kelurahan: number;
  tps: number;
}

/** Indonesia's proportions scaled to `tps` TPS (at 820,000: 38 / 514 / 7,300 / 83,000; at least 4 provinces when it can). */
export function nationShapeFor(tps: number): NationShape {
  const kelurahan = Math.max(1, Math.round(tps / 9.88));
  const kecamatan = Math.max(1, Math.round(kelurahan / 11.37));
  const kabupaten = Math.max(1, Math.round(kecamatan / 14.2));
  // A small nation still has a few provinces (the drill-down needs more than one), as kabupaten allow.
  const provinsi = Math.max(1, Math.min(38, Math.max(Math.round(kabupaten / 13.5), Math.min(4, kabupaten))));
  return { provinsi, kabupaten: Math.max(kabupaten, provinsi), kecamatan: Math.max(kecamatan, kabupaten), kelurahan, tps };
}

/** Splits `n` items over `parents` parents, each at least 1, at random around the mean. */
function spread(rng: ReturnType<typeof createRng>, n: number, parents: number, max: number): number[] {
  const out = Array.from({ length: parents }, () => 1);
  let left = n - parents;
  if (left < 0) throw new Error(`cannot give ${parents} areas at least one of ${n}`);
  while (left > 0) {
    const i = rng.int(0, parents - 1);
    if (out[i] < max) {
      out[i]++;
      left--;
    }
  }
  return out;
}

const CSV_HEADER =
  'provinsi_kode,provinsi,kabupaten_kode,kabupaten,kode_kemendagri,kecamatan_kode,kecamatan,kelurahan,tps_count,tps_numbers';

/** The reference as CSV lines (the format `REFERENCE_FILE` takes), header first. */
export function* syntheticNationCsv(shape: NationShape, seed = 2024): Generator<string> {
  if (shape.provinsi > SYNTHETIC_PROVINCE_CODES.length) throw new Error(`at most ${SYNTHETIC_PROVINCE_CODES.length} synthetic provinces`);
  if (shape.tps < shape.kelurahan || shape.tps > shape.kelurahan * 40) throw new Error('each kelurahan needs 1 to 40 TPS');
  const rng = createRng(seed);
  const kabPerProv = spread(rng, shape.kabupaten, shape.provinsi, 99);
  const kecPerKab = spread(rng, shape.kecamatan, shape.kabupaten, 99);
  const kelPerKec = spread(rng, shape.kelurahan, shape.kecamatan, 999);
  const tpsPerKel = spread(rng, shape.tps, shape.kelurahan, 40);
  yield CSV_HEADER;
  let kab = 0;
  let kec = 0;
  let kel = 0;
  for (let p = 0; p < shape.provinsi; p++) {
    const prov = SYNTHETIC_PROVINCE_CODES[p];
    for (let b = 1; b <= kabPerProv[p]; b++, kab++) {
      const kabCode = `${prov}${String(b).padStart(2, '0')}`;
      for (let c = 1; c <= kecPerKab[kab]; c++, kec++) {
        const kecCode = `${kabCode}${String(c).padStart(2, '0')}`;
        for (let l = 1; l <= kelPerKec[kec]; l++, kel++) {
          const kelCode = `${kecCode}${String(1000 + l)}`;
          const n = tpsPerKel[kel];
          yield [
            prov,
            `SINTETIS PROVINSI ${prov}`,
            kabCode,
            `SINTETIS KAB ${kabCode}`,
            kelCode,
            kecCode,
            `SINTETIS KEC ${kecCode}`,
            `SINTETIS KEL ${kelCode}`,
            n,
            `1-${n}`,
          ].join(',');
        }
      }
    }
  }
}
