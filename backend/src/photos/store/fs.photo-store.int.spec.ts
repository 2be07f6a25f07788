import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { photoStoreContract } from '../testing/photo-store.contract.js';
import { FsPhotoStore } from './fs.photo-store.js';
import { sha256 } from './photo-store.port.js';

let root = '';
photoStoreContract('directory under DATA_DIR', async () => {
  root = await mkdtemp(join(tmpdir(), 'photos-'));
  const dir = join(root, 'photos');
  return {
    store: new FsPhotoStore(dir),
    newClient: async () => new FsPhotoStore(dir),
    tamper: (hash, bytes) => writeFile(join(dir, hash.slice(0, 2), hash), bytes),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe('directory photo store', () => {
  it('names files by hash under a two-hex fan-out and leaves no temporary file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'photos-'));
    try {
      const store = new FsPhotoStore(dir);
      const bytes = randomBytes(1000);
      const hash = sha256(bytes);
      await store.put(hash, bytes);
      expect(await readdir(join(dir, hash.slice(0, 2)))).toEqual([hash]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('removes temporary files of a put that never finished, once older than the cutoff', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'photos-'));
    try {
      const store = new FsPhotoStore(dir);
      const bytes = randomBytes(100);
      const hash = sha256(bytes);
      await store.put(hash, bytes);
      const partial = join(dir, hash.slice(0, 2), `.${'a'.repeat(64)}.x.tmp`);
      await writeFile(partial, 'half');
      expect(await store.removePartials(new Date(Date.now() - 60_000))).toBe(0);
      const old = new Date(Date.now() - 120_000);
      await utimes(partial, old, old);
      expect(await store.removePartials(new Date(Date.now() - 60_000))).toBe(1);
      expect(await readdir(join(dir, hash.slice(0, 2)))).toEqual([hash]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
