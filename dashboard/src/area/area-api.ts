/** The drill-down's reads (GET /api/areas...) and its paths: `/` is the configured root, `/wilayah/{code}` any area or TPS. */
import type { TpsView } from '$contract';
import { apiGet } from '../lib/api.ts';
import type { AreaTpsPage, AreaView, HierarchyLevel } from './area-types.ts';

/** The wall's path of an area (the root is `/`) or of a TPS (13 digits). */
export const areaPath = (code: string, rootCode: string | null): string => (code === rootCode ? '/' : `/wilayah/${code}`);

/** What a code names, by its length (the nation's code is empty). */
export function levelOfCode(code: string): HierarchyLevel | 'tps' | null {
  return ({ 0: 'nation', 2: 'provinsi', 4: 'kabupaten', 6: 'kecamatan', 10: 'kelurahan', 13: 'tps' } as const)[code.length] ?? null;
}

/** The root (code null) or an area, with the first page of its children (at most `limit`, the API's maximum 500). */
export const fetchArea = (code: string | null, opts: { limit?: number; cursor?: string; minPosition?: string } = {}): Promise<AreaView> => {
  const q = new URLSearchParams();
  if (opts.limit) q.set('limit', String(opts.limit));
  if (opts.cursor) q.set('cursor', opts.cursor);
  if (opts.minPosition) q.set('minPosition', opts.minPosition);
  const qs = q.size ? `?${q}` : '';
  return apiGet<AreaView>(code === null ? `/api/areas${qs}` : `/api/areas/${code}${qs}`);
};

/** The TPS of an area, in id order (a kelurahan has at most 40: one page). */
export const fetchAreaTps = (code: string, limit = 100): Promise<AreaTpsPage> =>
  apiGet<AreaTpsPage>(`/api/areas/${code}/tps?limit=${limit}`);

export const fetchTps = (id: string): Promise<TpsView> => apiGet<TpsView>(`/api/tps/${id}`);

/** Level names as the screens say them. */
export const LEVEL_LABEL: Record<HierarchyLevel | 'tps', string> = {
  nation: 'Nasional',
  provinsi: 'Provinsi',
  kabupaten: 'Kabupaten/Kota',
  kecamatan: 'Kecamatan',
  kelurahan: 'Kelurahan/Desa',
  tps: 'TPS',
};
