/**
 * The ONE contract suite every photo-store adapter passes. An adapter's spec calls
 * `photoStoreContract('MyStore', async () => ({ store, newClient, tamper, cleanup }))`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { PhotoCorruptError, sha256, type PhotoStore, type StoredPhoto } from '../store/photo-store.port.js';

export interface PhotoStoreHarness {
  store: PhotoStore;
  /** Another independent client of the same storage (a second node, or the next start). */
  newClient(): Promise<PhotoStore>;
  /** Overwrites the stored bytes of `hash` behind the store's back (disk damage, tampering). */
  tamper(hash: string, bytes: Buffer): Promise<void>;
  cleanup(): Promise<void>;
}

const blob = (n = 4096) => {
  const bytes = randomBytes(n);
  return { bytes, hash: sha256(bytes) };
};

async function listAll(store: PhotoStore): Promise<StoredPhoto[]> {
  const out: StoredPhoto[] = [];
  for await (const p of store.list()) out.push(p);
  return out;
}

export function photoStoreContract(name: string, setup: () => Promise<PhotoStoreHarness>): void {
  describe(`photo store contract: ${name}`, () => {
    let h: PhotoStoreHarness;
    beforeAll(async () => {
      h = await setup();
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    it('keeps bytes under their hash and gives them back, also to another client', async () => {
      const { bytes, hash } = blob(200_000);
      expect(await h.store.has(hash)).toBe(false);
      await h.store.put(hash, bytes);
      expect(await h.store.has(hash)).toBe(true);
      expect((await h.store.get(hash))!.equals(bytes)).toBe(true);
      const other = await h.newClient();
      try {
        expect((await other.get(hash))!.equals(bytes)).toBe(true);
      } finally {
        await other.close();
      }
    });

    it('answers null / false for a photo it does not hold', async () => {
      const { hash } = blob();
      expect(await h.store.get(hash)).toBeNull();
      expect(await h.store.has(hash)).toBe(false);
    });

    it('storing the same bytes again, also concurrently, is a no-op that leaves them intact', async () => {
      const { bytes, hash } = blob();
      await Promise.all([h.store.put(hash, bytes), h.store.put(hash, bytes), h.store.put(hash, bytes)]);
      await h.store.put(hash, bytes);
      expect((await h.store.get(hash))!.equals(bytes)).toBe(true);
      expect((await listAll(h.store)).filter((p) => p.hash === hash)).toHaveLength(1);
    });

    it('refuses bytes that do not match the hash, and stores nothing', async () => {
      const { hash } = blob();
      await expect(h.store.put(hash, randomBytes(64))).rejects.toThrow(/do not match/);
      expect(await h.store.has(hash)).toBe(false);
      await expect(h.store.put('not-a-hash', randomBytes(8))).rejects.toThrow(/SHA-256/);
    });

    it('checks the hash on every read: damaged bytes are PhotoCorruptError, never served', async () => {
      const { bytes, hash } = blob();
      await h.store.put(hash, bytes);
      const damaged = Buffer.from(bytes);
      damaged[100] ^= 0xff;
      await h.tamper(hash, damaged);
      await expect(h.store.get(hash)).rejects.toBeInstanceOf(PhotoCorruptError);
    });

    it('lists what it holds with size and time stored, and deletes (deleting an absent photo is a no-op)', async () => {
      const a = blob(1000);
      const b = blob(2000);
      const before = Date.now();
      await h.store.put(a.hash, a.bytes);
      await h.store.put(b.hash, b.bytes);
      const listed = new Map((await listAll(h.store)).map((p) => [p.hash, p]));
      expect(listed.get(a.hash)?.size).toBe(1000);
      expect(listed.get(b.hash)?.size).toBe(2000);
      // Stores keep whole seconds at best.
      expect(listed.get(a.hash)!.storedAt.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
      await h.store.delete(a.hash);
      await h.store.delete(a.hash);
      expect(await h.store.has(a.hash)).toBe(false);
      expect(await h.store.get(a.hash)).toBeNull();
      expect(await h.store.has(b.hash)).toBe(true);
      expect((await listAll(h.store)).some((p) => p.hash === a.hash)).toBe(false);
    });

    it('a repeated put of bytes it already holds makes them new again, so the orphan sweep cannot take a retried upload', async () => {
      const a = blob(1500);
      await h.store.put(a.hash, a.bytes);
      // Stores keep whole seconds at best: let the first time fall behind by more than one.
      await new Promise((r) => setTimeout(r, 2100));
      const retried = Date.now();
      await h.store.put(a.hash, a.bytes);
      const listed = (await listAll(h.store)).find((p) => p.hash === a.hash)!;
      expect(listed.storedAt.getTime()).toBeGreaterThanOrEqual(Math.floor(retried / 1000) * 1000 - 1000);
      expect(await h.store.get(a.hash)).toEqual(a.bytes);
    });
  });
}
