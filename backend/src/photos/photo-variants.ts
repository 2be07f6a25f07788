import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

export const SIZES = { thumb: 320, medium: 1280 } as const;
export type VariantSize = keyof typeof SIZES;

/**
 * Resized copies for screens, made with sharp: turned upright by the EXIF orientation, fitted inside the size, JPEG,
 * with no metadata at all (sharp writes none unless asked, so EXIF, GPS location included, is gone). Cached as files
 * under PHOTO_CACHE_DIR: a cache, not evidence; deleting it only costs the next view a resize.
 */
export class PhotoVariants {
  private readonly making = new Map<string, Promise<Buffer>>();

  constructor(private readonly dir: string) {}

  async get(hash: string, size: VariantSize, original: () => Promise<Buffer>): Promise<Buffer> {
    const key = `${hash}.${size}.jpg`;
    const path = join(this.dir, key);
    const cached = await readFile(path).catch(() => null);
    if (cached) return cached;
    let pending = this.making.get(key);
    if (!pending) {
      pending = this.make(path, size, original).finally(() => this.making.delete(key));
      this.making.set(key, pending);
    }
    return pending;
  }

  private async make(path: string, size: VariantSize, original: () => Promise<Buffer>): Promise<Buffer> {
    const px = SIZES[size];
    const out = await sharp(await original())
      .rotate()
      .resize(px, px, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: size === 'thumb' ? 75 : 85, mozjpeg: false })
      .toBuffer();
    await mkdir(this.dir, { recursive: true });
    const tmp = `${path}.${randomUUID()}.tmp`;
    await writeFile(tmp, out);
    await rename(tmp, path);
    return out;
  }
}
