import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The genesis link of every stream's chain. */
export const GENESIS_HASH = '0'.repeat(64);

export interface HashedContent {
  stream: string;
  revision: number;
  eventId: string;
  type: string;
  data: unknown;
  /** Metadata without `hash` itself. */
  metadata: Record<string, unknown>;
}

/**
 * Per-stream hash chain: hash = sha256(prevHash + canonical content). The content includes prevHash (in metadata),
 * the stream, the revision and the event id, so an edited, removed or reordered event breaks every later link.
 */
export function eventHash(content: HashedContent): string {
  const { hash: _ignored, ...metadata } = content.metadata;
  const prev = typeof metadata.prevHash === 'string' ? metadata.prevHash : GENESIS_HASH;
  return sha256(`${prev}\n${canonicalJson({ ...content, metadata })}`);
}
