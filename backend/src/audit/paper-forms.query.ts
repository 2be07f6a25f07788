/** `GET /api/audit/paper-forms`: the TPS read model's docs in scope, reconciled now (paper-forms.ts). */
import type { DataSource } from 'typeorm';
import { inSnapshot } from '../projections/snapshot.js';
import { rows } from '../projections/projection.js';
import type { TpsDoc } from '../projections/tps-doc.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { reconcilePaperForms, type PaperReconciliation } from './paper-forms.js';
import { QueryParams } from './query-params.js';

export interface PaperFormsFilter {
  kelurahan?: string;
  kecamatan?: string;
  contest?: string;
}

export function parsePaperFormsQuery(query: Record<string, unknown>): PaperFormsFilter {
  const p = new QueryParams(query);
  const f = {
    kelurahan: p.code('kelurahan', 10, 'kelurahan'),
    kecamatan: p.code('kecamatan', 6, 'kecamatan'),
    contest: p.word('contest', /^[A-Z0-9_]{2,20}$/, 'must be a contest code like PPWP'),
  };
  p.done();
  return f;
}

export async function paperForms(
  ds: DataSource,
  ref: ReferenceData,
  f: PaperFormsFilter,
  contest: string,
): Promise<PaperReconciliation & { position: string | null }> {
  // The kelurahan in scope, then their TPS (reference order): never a filter over every TPS.
  const kelurahan = ref.kelurahan.filter(
    (k) => (!f.kelurahan || k.code === f.kelurahan) && (!f.kecamatan || k.kecamatanCode === f.kecamatan),
  );
  const scope = kelurahan.flatMap((k) => ref.tpsOf(k.code));
  return inSnapshot(ds, async (tx, position) => {
    const found = await rows<{ tps_id: string; doc: TpsDoc }>(tx, `SELECT tps_id, doc FROM rm_tps WHERE kelurahan_code = ANY($1)`, [
      kelurahan.map((k) => k.code),
    ]);
    const docs = new Map(found.map((r) => [r.tps_id, r.doc]));
    return {
      ...reconcilePaperForms(
        scope.map((t) => ({ id: t.id, doc: docs.get(t.id) ?? null })),
        contest,
      ),
      position,
    };
  });
}
