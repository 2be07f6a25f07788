import type { FieldProblem } from '../http/domain-error.js';
import type { ReferenceData } from '../reference/reference-data.js';
import type { MessageTarget } from './messages.contract.js';

/** The TPS a target names (pure): every TPS for `all`, else the union of the areas and TPS listed; unknown codes named. */
export function recipientsOf(ref: ReferenceData, to: MessageTarget): { tps: string[]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  if (!to.all && !to.kecamatan?.length && !to.kelurahan?.length && !to.tps?.length)
    problems.push({ path: 'to', problem: 'name at least one of all, kecamatan, kelurahan, tps' });
  const kec = new Set(ref.kecamatan.map((k) => k.code));
  to.kecamatan?.forEach((c, i) => kec.has(c) || problems.push({ path: `to.kecamatan.${i}`, problem: 'no such kecamatan in this city' }));
  to.kelurahan?.forEach(
    (c, i) => ref.kelurahanByCode.has(c) || problems.push({ path: `to.kelurahan.${i}`, problem: 'no such kelurahan in this city' }),
  );
  to.tps?.forEach((c, i) => ref.tpsById.has(c) || problems.push({ path: `to.tps.${i}`, problem: 'no such TPS in this city' }));
  // Kelurahan by kelurahan, in reference order: a whole kelurahan when an area names it, else the TPS named in it.
  const kecamatan = new Set(to.kecamatan ?? []);
  const kelurahan = new Set(to.kelurahan ?? []);
  const tps = new Set(to.tps ?? []);
  const tpsKelurahan = new Set([...tps].map((id) => id.slice(0, 10)));
  const picked = ref.kelurahan.flatMap((k) =>
    to.all || kecamatan.has(k.kecamatanCode) || kelurahan.has(k.code)
      ? ref.tpsOf(k.code)
      : tpsKelurahan.has(k.code)
        ? ref.tpsOf(k.code).filter((t) => tps.has(t.id))
        : [],
  );
  return { tps: picked.map((t) => t.id), problems };
}
