/** The areas API's payloads, declared once in the backend's live contract; plus what the wall's columns take. */
import type { AreaTotals, Estimate } from '$contract';

export type { AreaNode, AreaRef, AreaTpsPage, AreaView, HierarchyLevel } from '$contract';

/** What the counts and bars of any level show: the city's Summary, an area's node with its quick count, a TPS's tally. */
export type ShownTotals = AreaTotals & { tpsWithPhotos: number; estimate: Estimate };
