import type { TpsView } from '$contract';

/** One area the map colours by reporting progress (a kelurahan on the city's map, any child area in the drill-down). */
export interface AreaFill {
  code: string;
  tpsReported: number;
  tpsTotal: number;
  openIncidents: number;
}

/** A tile of the schematic grid: an area (coloured by progress) or a TPS (coloured by its state). */
export interface Tile extends AreaFill {
  name: string;
  /** data-testid: `kelurahan-{code}` on the city's map, `{level}-{code}` in the drill-down. */
  testid: string;
  href: string;
  /** A TPS tile's colour (its state); areas are coloured by progress. */
  color?: string;
  /** The TPS of a kelurahan tile, as dots. */
  dots?: TpsView[];
  state?: string;
}

/** Tiles under one heading: a kecamatan's kelurahan on the city's map, or all the children of the shown area. */
export interface TileGroup {
  code: string;
  name: string;
  /** Where the heading leads (a kecamatan of the city opens its drill-down), or null. */
  href: string | null;
  tiles: Tile[];
}

/** Where a click on an area or a TPS (by its code or id) leads. */
export type HrefOf = (code: string) => string;
