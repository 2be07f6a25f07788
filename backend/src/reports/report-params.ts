/** Query parameters of the report routes: the area (any level at or below the root), the level of the rows, the file format. */
import { ValidationError } from '../http/domain-error.js';
import type { HierarchyLevel } from '../live/live.contract.js';
import { QueryParams } from '../audit/query-params.js';
import type { Contests } from '../reference/contests.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { areaIndexOf } from '../projections/area-index.js';
import { AREA_CODE, AREA_CODE_PROBLEM } from '../read-api/query.js';

/** An area's level: the reference's (a city's root is its kabupaten/kota). */
export type AreaLevel = HierarchyLevel;
export type RowLevel = 'provinsi' | 'kabupaten' | 'kecamatan' | 'kelurahan' | 'tps';
export const ROW_LEVELS: readonly RowLevel[] = ['provinsi', 'kabupaten', 'kecamatan', 'kelurahan', 'tps'];

export interface Area {
  level: AreaLevel;
  code: string;
  name: string;
}

export interface ResultsQuery {
  area: Area;
  /** The finest level of rows; the XLSX has one sheet for each level from the area's children down to it. */
  level: RowLevel;
  format: 'csv' | 'xlsx';
  contest: string;
}

const DEPTH: Record<AreaLevel | RowLevel, number> = { nation: 0, provinsi: 1, kabupaten: 2, kecamatan: 3, kelurahan: 4, tps: 5 };

/** The row levels a report of `area` down to `level` carries, coarsest first. */
export const levelsBetween = (area: AreaLevel, level: RowLevel): RowLevel[] =>
  ROW_LEVELS.filter((l) => DEPTH[l] > DEPTH[area] && DEPTH[l] <= DEPTH[level]);

/** What each row level is called: a table's heading in the PDF, an XLSX sheet's name (no '/': Excel refuses it). */
export const LEVEL_LABEL: Record<RowLevel, { heading: string; sheet: string }> = {
  provinsi: { heading: 'Provinsi', sheet: 'Provinsi' },
  kabupaten: { heading: 'Kabupaten/Kota', sheet: 'Kabupaten' },
  kecamatan: { heading: 'Kecamatan', sheet: 'Kecamatan' },
  kelurahan: { heading: 'Kelurahan', sheet: 'Kelurahan' },
  tps: { heading: 'TPS', sheet: 'TPS' },
};

/** The level of an area's children (a kelurahan's are its TPS). */
export const childLevelOf = (area: AreaLevel): RowLevel => ROW_LEVELS.find((l) => DEPTH[l] === DEPTH[area] + 1)!;

/** An area of any level at or below the reference's root (the root without a code), found in the area index. */
export function resolveArea(ref: ReferenceData, code: string | undefined): Area | null {
  const index = areaIndexOf(ref);
  const at = code ?? ref.root.code;
  if (!index.has(at)) return null;
  const { level, name } = index.areaRef(at);
  return { level, code: at, name };
}

function areaParam(p: QueryParams, ref: ReferenceData): Area | undefined {
  const code = p.word('area', AREA_CODE, `${AREA_CODE_PROBLEM} (a provinsi, kabupaten/kota, kecamatan or kelurahan)`);
  if (code !== undefined && p.problems.some((x) => x.path === 'area')) return undefined;
  const area = resolveArea(ref, code);
  if (!area) p.problems.push({ path: 'area', problem: `no area ${code} in ${ref.root.name}` });
  return area ?? undefined;
}

function contestParam(p: QueryParams, contests: Contests): string {
  const contest = p.word('contest', /^[A-Z0-9_]{2,20}$/, 'must be a contest code like PPWP') ?? contests.defaultCode;
  if (!contests.byCode.has(contest) && !p.problems.some((x) => x.path === 'contest'))
    p.problems.push({ path: 'contest', problem: 'unknown contest' });
  return contest;
}

export function parseResultsQuery(query: Record<string, unknown>, ref: ReferenceData, contests: Contests): ResultsQuery {
  const p = new QueryParams(query);
  const area = areaParam(p, ref);
  const level = p.word('level', new RegExp(`^(${ROW_LEVELS.join('|')})$`), `must be one of ${ROW_LEVELS.join(', ')}`) as
    RowLevel | undefined;
  const format = (p.word('format', /^(csv|xlsx)$/, 'must be csv or xlsx') ?? 'csv') as 'csv' | 'xlsx';
  const contest = contestParam(p, contests);
  p.done();
  const chosen = level ?? childLevelOf(area!.level);
  if (levelsBetween(area!.level, chosen).length === 0)
    throw new ValidationError([{ path: 'level', problem: `must be finer than the area (${area!.level})` }]);
  return { area: area!, level: chosen, format, contest };
}

export interface AreaQuery {
  area: Area;
  contest: string;
}

export function parseAreaQuery(query: Record<string, unknown>, ref: ReferenceData, contests: Contests): AreaQuery {
  const p = new QueryParams(query);
  const area = areaParam(p, ref);
  const contest = contestParam(p, contests);
  p.done();
  return { area: area!, contest };
}
