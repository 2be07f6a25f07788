import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { assertBytesMatch, assertHash, HASH, sha256, verified, type PhotoStore, type StoredPhoto } from './photo-store.port.js';

const errno = (e: unknown) => (e as NodeJS.ErrnoException).code;

/** The call's answer, or `fallback` when it fails with one of `codes` (a missing file, say). */
async function unless<T>(codes: string[], fallback: T, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (codes.includes(errno(e) ?? '')) return fallback;
    throw e;
  }
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Photos as files `<dir>/<first 2 hex>/<hash>`. A put writes a temporary file beside the target, fsyncs it, renames
 * it into place and fsyncs the directory (and the parent when the fan-out directory is new), so after put resolves a
 * power cut keeps the file under its name. A crash mid-write leaves only a `.tmp` file, which `removePartials` clears.
 */
export class FsPhotoStore implements PhotoStore {
  readonly kind = 'fs';

  constructor(private readonly dir: string) {}

  private fanout(hash: string) {
    return join(this.dir, hash.slice(0, 2));
  }

  private pathOf(hash: string) {
    return join(this.fanout(hash), hash);
  }

  async put(hash: string, bytes: Buffer): Promise<void> {
    assertBytesMatch(hash, bytes);
    const target = this.pathOf(hash);
    const existing = await unless<Buffer | null>(['ENOENT'], null, () => readFile(target));
    if (existing && sha256(existing) === hash) {
      // A retried upload (the append of the first try may have failed): the file's time is what the orphan sweep
      // judges by, so it starts again from now and the retry's event has time to land before any sweep.
      const now = new Date();
      await utimes(target, now, now);
      return;
    }
    const sub = this.fanout(hash);
    const created = await mkdir(sub, { recursive: true });
    if (created !== undefined) {
      await fsyncPath(this.dir);
      // mkdir -p may have created the root too.
      if (created !== sub) await fsyncPath(join(this.dir, '..'));
    }
    const tmp = join(sub, `.${hash}.${randomUUID()}.tmp`);
    const fh = await open(tmp, 'wx', 0o640);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(tmp, target);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await fsyncPath(sub);
  }

  async get(hash: string): Promise<Buffer | null> {
    assertHash(hash);
    try {
      return verified(hash, await readFile(this.pathOf(hash)));
    } catch (e) {
      if (errno(e) === 'ENOENT') return null;
      throw e;
    }
  }

  async has(hash: string): Promise<boolean> {
    assertHash(hash);
    return unless(['ENOENT'], false, async () => !!(await stat(this.pathOf(hash))));
  }

  async *list(): AsyncIterable<StoredPhoto> {
    for (const sub of await this.entries(this.dir)) {
      if (!/^[0-9a-f]{2}$/.test(sub)) continue;
      for (const name of await this.entries(join(this.dir, sub))) {
        if (!HASH.test(name)) continue;
        const s = await stat(join(this.dir, sub, name)).catch(() => null);
        if (s) yield { hash: name, size: s.size, storedAt: s.mtime };
      }
    }
  }

  async delete(hash: string): Promise<void> {
    assertHash(hash);
    await rm(this.pathOf(hash), { force: true });
  }

  /** Temporary files of writes that never finished (a crash mid-put), older than the cutoff. */
  async removePartials(olderThan: Date): Promise<number> {
    let n = 0;
    for (const sub of await this.entries(this.dir)) {
      for (const name of await this.entries(join(this.dir, sub))) {
        if (!name.endsWith('.tmp')) continue;
        const path = join(this.dir, sub, name);
        const s = await stat(path).catch(() => null);
        if (s && s.mtime < olderThan) {
          await rm(path, { force: true });
          n++;
        }
      }
    }
    return n;
  }

  async close(): Promise<void> {}

  private async entries(dir: string): Promise<string[]> {
    return unless<string[]>(['ENOENT', 'ENOTDIR'], [], () => readdir(dir));
  }
}
