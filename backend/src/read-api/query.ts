/** Query parameters shared by the read routes: contest codes, TPS states, area codes, paging cursors. */
import type { QueryParams } from '../audit/query-params.js';
import { DomainError } from '../http/domain-error.js';
import type { TpsState } from '../live/live.contract.js';
import { decodeCursor } from '../projections/area-cursor.js';

export const TPS_STATES: readonly TpsState[] = ['no_officer', 'checked_in', 'reported', 'flagged', 'incident'];
export const CONTEST_PATTERN = /^[A-Z0-9_]{2,20}$/;

/** `?cursor=`: the key inside one of our cursors, refused (path `cursor`) when it is not one. */
export function cursorOf(p: QueryParams, key: RegExp): string | undefined {
  const raw = p.word('cursor', /^[A-Za-z0-9_-]{1,64}$/, 'must be the nextCursor of a previous page');
  if (raw === undefined || p.problems.some((x) => x.path === 'cursor')) return undefined;
  const after = decodeCursor(raw, key);
  if (after === null) p.problems.push({ path: 'cursor', problem: 'must be the nextCursor of a previous page' });
  return after ?? undefined;
}

/** An area code of any level below the nation: provinsi 2 digits, kabupaten/kota 4, kecamatan 6, kelurahan 10. */
export const AREA_CODE = /^(\d{2}|\d{4}|\d{6}|\d{10})$/;
export const AREA_CODE_PROBLEM = 'must be a 2, 4, 6 or 10-digit area code';

/** A well-formed area code that is not an area of the configured reference (at or below its root). */
export const areaNotFound = (code: string) => new DomainError('AREA.NOT_FOUND', 404, `No area ${code} in this reference`);

/** `?area=`: an area code of any level (checked against the reference by the caller, 404 AREA.NOT_FOUND). */
export const areaOf = (p: QueryParams): string | undefined => p.word('area', AREA_CODE, AREA_CODE_PROBLEM);
