/**
 * Paging of the bounded lists (docs/scaling.md "What is bounded"): `?limit=&cursor=` in, and where the next page starts
 * out, as `X-Next-Cursor` and `Link: <...?cursor=...>; rel="next"` (absent on the last page: the city's lists are one).
 */
import type { Response } from 'express';
import type { QueryParams } from '../audit/query-params.js';
import type { ListPage, PageRequest } from '../projections/read-models.port.js';
import { UNPAGED_LIST_LIMIT } from '../projections/read-models.service.js';
import { cursorOf } from './query.js';

/** Where the next page of a list starts (also in `Link: <...>; rel="next"`). */
export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';

/** `?limit=&cursor=` (both optional: without them the first UNPAGED_LIST_LIMIT rows); the caller calls `p.done()`. */
export function pageParams(p: QueryParams, key: RegExp): PageRequest {
  const limit = p.int('limit', 1, UNPAGED_LIST_LIMIT, UNPAGED_LIST_LIMIT);
  return { limit, after: cursorOf(p, key) };
}

/** Says where the rest continues: the `X-Next-Cursor` and `Link` headers, when there is a next page. */
export function linkNext(res: Response, nextCursor: string | null): void {
  if (!nextCursor) return;
  const url = new URL(res.req.originalUrl, 'http://x');
  url.searchParams.set('cursor', nextCursor);
  res.setHeader(NEXT_CURSOR_HEADER, nextCursor);
  res.setHeader('Link', `<${url.pathname}${url.search}>; rel="next"`);
}

/** A page of a city list as the plain array these routes always answered, with where the rest continues in headers. */
export function paged<T>(res: Response, page: ListPage<T>): T[] {
  linkNext(res, page.nextCursor);
  return page.items;
}
