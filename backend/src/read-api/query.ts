/** Query parameters shared by the read routes: contest codes, TPS states, paging cursors. */
import type { QueryParams } from '../audit/query-params.js';
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
