/** The schematic grid's tiles: the city's kelurahan by kecamatan, any level's children, a kelurahan's TPS. */
import type { KelurahanSummary, TpsView } from '$contract';
import type { AreaNode } from '../area/area-types.ts';
import { TPS_STATE_COLOR } from '../lib/format.ts';
import type { Tile, TileGroup } from './map-types.ts';

/** TPS by kelurahan, each list by TPS number. */
export function tpsByKelurahan(tps: Iterable<TpsView>): Map<string, TpsView[]> {
  const m = new Map<string, TpsView[]>();
  for (const t of tps) {
    const list = m.get(t.kelurahanCode) ?? [];
    list.push(t);
    m.set(t.kelurahanCode, list);
  }
  for (const list of m.values()) list.sort((a, b) => a.number - b.number);
  return m;
}

/** The city's kelurahan grouped by kecamatan, in code order; a kecamatan's heading opens its drill-down. */
export function cityGroups(
  kelurahan: Iterable<KelurahanSummary>,
  tps: Iterable<TpsView>,
  hrefOf: { kelurahan: (code: string) => string; kecamatan: (code: string) => string },
): TileGroup[] {
  const dots = tpsByKelurahan(tps);
  const byKec = new Map<string, TileGroup>();
  for (const k of [...kelurahan].sort((a, b) => a.code.localeCompare(b.code))) {
    const g = byKec.get(k.kecamatanCode) ?? {
      code: k.kecamatanCode,
      name: k.kecamatanName,
      href: hrefOf.kecamatan(k.kecamatanCode),
      tiles: [],
    };
    g.tiles.push({
      ...fillOf(k),
      name: k.name,
      testid: `kelurahan-${k.code}`,
      href: hrefOf.kelurahan(k.code),
      dots: dots.get(k.code) ?? [],
    });
    byKec.set(k.kecamatanCode, g);
  }
  return [...byKec.values()];
}

/** The children of one area as one group of tiles (a kelurahan child carries its TPS as dots). */
export function childTiles(children: AreaNode[], tps: Iterable<TpsView>, hrefOf: (code: string) => string): Tile[] {
  const dots = tpsByKelurahan(tps);
  return children.map((c) => ({
    ...fillOf(c),
    name: c.name,
    testid: `${c.level}-${c.code}`,
    href: hrefOf(c.code),
    dots: c.level === 'kelurahan' ? (dots.get(c.code) ?? []) : undefined,
  }));
}

/** A kelurahan's TPS as tiles coloured by state. */
export function tpsTiles(tps: TpsView[], hrefOf: (id: string) => string): Tile[] {
  return tps.map((t) => ({
    code: t.id,
    name: `TPS ${String(t.number).padStart(3, '0')}`,
    testid: `tps-tile-${t.id}`,
    href: hrefOf(t.id),
    tpsReported: t.tallies.length > 0 ? 1 : 0,
    tpsTotal: 1,
    openIncidents: t.openIncidents,
    color: TPS_STATE_COLOR[t.state],
    state: t.state,
  }));
}

const fillOf = (a: { code: string; tpsReported: number; tpsTotal: number; openIncidents: number }) => ({
  code: a.code,
  tpsReported: a.tpsReported,
  tpsTotal: a.tpsTotal,
  openIncidents: a.openIncidents,
});
