/** Query parameters of the report routes: the area (city, kecamatan or kelurahan code), the level of the rows, the file format. */
import { ValidationError } from '../http/domain-error.js';
import { QueryParams } from '../audit/query-params.js';
import type { Contests } from '../reference/contests.js';
import type { ReferenceData } from '../reference/reference-data.js';

export type AreaLevel = 'city' | 'kecamatan' | 'kelurahan';
export type RowLevel = 'kecamatan' | 'kelurahan' | 'tps';
export const ROW_LEVELS: readonly RowLevel[] = ['kecamatan', 'kelurahan', 'tps'];

export interface Area {
  level: AreaLevel;
  code: string;
  name: string;
  /** Kelurahan codes inside the area, in reference order. */
  kelurahan: string[];
}

export interface ResultsQuery {
  area: Area;
  /** The finest level of rows; the XLSX has one sheet for each level from the area's children down to it. */
  level: RowLevel;
  format: 'csv' | 'xlsx';
  contest: string;
}

const DEPTH: Record<AreaLevel | RowLevel, number> = { city: 0, kecamatan: 1, kelurahan: 2, tps: 3 };

/** The row levels a report of `area` down to `level` carries, coarsest first. */
export const levelsBetween = (area: AreaLevel, level: RowLevel): RowLevel[] =>
  ROW_LEVELS.filter((l) => DEPTH[l] > DEPTH[area] && DEPTH[l] <= DEPTH[level]);

export function resolveArea(ref: ReferenceData, code: string | undefined): Area | null {
  if (code === undefined || code === ref.city.code) {
    return { level: 'city', code: ref.city.code, name: ref.city.name, kelurahan: ref.kelurahan.map((k) => k.code) };
  }
  const kec = ref.kecamatan.find((k) => k.code === code);
  if (kec)
    return {
      level: 'kecamatan',
      code,
      name: kec.name,
      kelurahan: ref.kelurahan.filter((k) => k.kecamatanCode === code).map((k) => k.code),
    };
  const kel = ref.kelurahanByCode.get(code);
  if (kel) return { level: 'kelurahan', code, name: kel.name, kelurahan: [code] };
  return null;
}

function areaParam(p: QueryParams, ref: ReferenceData): Area | undefined {
  const code = p.word('area', /^\d{4,10}$/, 'must be the city, a kecamatan or a kelurahan code');
  if (code !== undefined && p.problems.some((x) => x.path === 'area')) return undefined;
  const area = resolveArea(ref, code);
  if (!area) p.problems.push({ path: 'area', problem: `no area ${code} in ${ref.city.name}` });
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
  const level = p.word('level', /^(kecamatan|kelurahan|tps)$/, 'must be kecamatan, kelurahan or tps') as RowLevel | undefined;
  const format = (p.word('format', /^(csv|xlsx)$/, 'must be csv or xlsx') ?? 'csv') as 'csv' | 'xlsx';
  const contest = contestParam(p, contests);
  p.done();
  const chosen = level ?? ROW_LEVELS.find((l) => DEPTH[l] === DEPTH[area!.level] + 1)!;
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
