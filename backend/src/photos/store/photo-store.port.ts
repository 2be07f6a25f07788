/**
 * The photo store port: content-addressed bytes of C.Hasil photos, named by their SHA-256 (hex). Two adapters live
 * side by side (a directory under DATA_DIR, the embedded default; S3-compatible object storage, production) and pass
 * the same contract suite (`../testing/photo-store.contract.ts`).
 */
import { createHash } from 'node:crypto';

export const PHOTO_STORE = Symbol('PHOTO_STORE');

export interface StoredPhoto {
  hash: string;
  size: number;
  /** When the bytes were stored (file mtime, object LastModified). */
  storedAt: Date;
}

export interface PhotoStore {
  /** 'fs' | 's3', for health and logs. */
  readonly kind: string;

  /**
   * Stores the bytes under their hash. Resolves only once they are durable (file and directory fsynced; the object
   * store acknowledged the write). Storing the same bytes again is a no-op. Refuses bytes that do not match the hash.
   */
  put(hash: string, bytes: Buffer): Promise<void>;

  /** The bytes, checked against the hash on every read (PhotoCorruptError when they no longer match); null if absent. */
  get(hash: string): Promise<Buffer | null>;

  has(hash: string): Promise<boolean>;

  /** Every stored photo, in no particular order (for the orphan sweep and backups). */
  list(): AsyncIterable<StoredPhoto>;

  /** Removes a photo; removing an absent one is a no-op. */
  delete(hash: string): Promise<void>;

  close(): Promise<void>;
}

export class PhotoCorruptError extends Error {
  constructor(readonly hash: string) {
    super(`stored photo ${hash} no longer matches its hash`);
    this.name = 'PhotoCorruptError';
  }
}

export const HASH = /^[0-9a-f]{64}$/;

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export function assertHash(hash: string): void {
  if (!HASH.test(hash)) throw new Error(`not a SHA-256 hex: ${hash}`);
}

/** For put: the bytes must be what the name says. */
export function assertBytesMatch(hash: string, bytes: Uint8Array): void {
  assertHash(hash);
  if (sha256(bytes) !== hash) throw new Error(`bytes do not match hash ${hash}`);
}

/** For get: a mismatch is corruption (or tampering) in the store. */
export function verified(hash: string, bytes: Buffer): Buffer {
  if (sha256(bytes) !== hash) throw new PhotoCorruptError(hash);
  return bytes;
}
