/**
 * Rows into a table with `COPY ... FROM STDIN` (pg-copy-streams) on a query runner's own connection, so inside its
 * transaction: what a rebuild's bulk fold writes into the index-free shadow copies (rebuild.ts). Several times cheaper
 * for PostgreSQL per row than an INSERT of the same rows.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { QueryRunner } from 'typeorm';

/** One value in COPY's text format: null as \N, a string as is, anything else as JSON (numbers, booleans, json/jsonb), escaped. */
export function copyField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  // One test, and one pass only when needed: most values (JSON docs included) have nothing to escape.
  return SPECIAL.test(s) ? s.replace(SPECIALS, (c) => ESCAPED[c]) : s;
}

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A connection COPY can run on: a pg client (node-postgres' `Client`, or the one a TypeORM query runner holds). */
export interface CopyClient {
  query(stream: unknown): NodeJS.WritableStream;
}

/** COPYs `rows` (values in `columns` order) into `target`, a trusted table name, on `client`, streamed in 1 MB chunks. */
export async function copyInto(
  client: CopyClient,
  target: string,
  columns: readonly string[],
  rows: Iterable<readonly unknown[]>,
): Promise<void> {
  function* lines(): Generator<string> {
    let chunk = '';
    for (const r of rows) {
      chunk += `${r.map(copyField).join('\t')}\n`;
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  await pipeline(Readable.from(lines()), client.query(copyFrom(`COPY ${target} (${columns.join(', ')}) FROM STDIN`)));
}

/** COPYs `rows` (values in `columns` order) into `target` (projection.ts `table`) inside the query runner's transaction. */
export async function copyRows(tx: QueryRunner, target: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  // TypeORM's PostgreSQL runner hands out the pg client it holds (already connected: the one running the transaction).
  await copyInto((await tx.connect()) as CopyClient, target, columns, rows);
}

/** COPYs objects that all have the same keys in the same order, the target's column names (the upserts' row shapes). */
export async function copyObjects(tx: QueryRunner, target: string, objects: readonly object[]): Promise<void> {
  if (objects.length === 0) return;
  await copyRows(
    tx,
    target,
    Object.keys(objects[0]),
    objects.map((o) => Object.values(o) as unknown[]),
  );
}

/** `items` in consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += size) out.push(items.slice(at, at + size));
  return out;
}
