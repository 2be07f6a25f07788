/**
 * The areas API's payloads (docs/areas contract): declared in the backend's live contract once it has them; this file
 * only re-exports them, so the wall's code imports one name whatever the backend's file layout.
 */
import type { AreaTotals, Estimate, TpsView } from '$contract';

export type HierarchyLevel = 'nation' | 'provinsi' | 'kabupaten' | 'kecamatan' | 'kelurahan';
export interface AreaRef {
  level: HierarchyLevel;
  code: string;
  name: string;
}
export interface AreaNode extends AreaRef, AreaTotals {
  tpsWithPhotos: number;
}
export interface AreaView {
  area: AreaNode & { estimate: Estimate };
  parents: AreaRef[];
  childLevel: HierarchyLevel | 'tps';
  children: AreaNode[];
  childrenTotal: number;
  nextCursor: string | null;
  position: string | null;
}
export interface AreaTpsPage {
  tps: TpsView[];
  total: number;
  nextCursor: string | null;
  position: string | null;
}

/** What the counts and bars of any level show: the city's Summary, an area's node with its quick count, a TPS's tally. */
export type ShownTotals = AreaTotals & { tpsWithPhotos: number; estimate: Estimate };
