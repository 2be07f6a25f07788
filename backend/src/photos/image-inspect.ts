/**
 * What the upload learns from the bytes, with sharp (libvips): the type by magic bytes, whether the whole image
 * decodes, its size as displayed (EXIF orientation applied), the camera's time, and a 64-bit dHash for near-copies.
 */
import exifReader from 'exif-reader';
import sharp, { type Metadata } from 'sharp';
import type { FormPhotoAttached } from '../tps/tps.events.js';
import { photoErrors } from './photo.errors.js';

export type PhotoMediaType = FormPhotoAttached['data']['mediaType'];

/** The short side a C.Hasil photo needs for its digits to be readable. */
export const MIN_SHORT_SIDE = 600;

export function sniffType(b: Uint8Array): PhotoMediaType | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && Buffer.from(b.subarray(0, 8)).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (
    b.length >= 12 &&
    Buffer.from(b.subarray(0, 4)).toString('latin1') === 'RIFF' &&
    Buffer.from(b.subarray(8, 12)).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  return null;
}

const FORMAT: Record<PhotoMediaType, string> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp' };

export interface PhotoFacts {
  mediaType: PhotoMediaType;
  width: number;
  height: number;
  cameraTime: string | null;
  dhash: string;
}

/** EXIF DateTimeOriginal as written on the camera (exif-reader reads it as if UTC; it has no zone). */
function cameraTimeOf(exif: Buffer | undefined): string | null {
  if (!exif) return null;
  try {
    const tags = exifReader(exif);
    const t = tags.Photo?.DateTimeOriginal ?? tags.Image?.DateTime;
    return t instanceof Date && !Number.isNaN(t.getTime()) ? t.toISOString().slice(0, 19) : null;
  } catch {
    return null;
  }
}

/** Difference hash: 9x8 greyscale, one bit per horizontal neighbour pair (brighter left = 1). */
export async function dHash(bytes: Uint8Array): Promise<string> {
  const px = await sharp(bytes, { failOn: 'warning' }).rotate().greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer();
  let bits = 0n;
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) bits = (bits << 1n) | (px[y * 9 + x] > px[y * 9 + x + 1] ? 1n : 0n);
  return bits.toString(16).padStart(16, '0');
}

export function hamming(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  while (x) {
    n += Number(x & 1n);
    x >>= 1n;
  }
  return n;
}

/** Throws the upload's refusals (415, 422 UNREADABLE, 422 TOO_SMALL) or answers the facts. */
export async function inspectPhoto(bytes: Uint8Array): Promise<PhotoFacts> {
  const mediaType = sniffType(bytes);
  if (!mediaType) throw photoErrors.unsupportedType();
  let meta: Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch {
    throw photoErrors.unreadable();
  }
  if (meta.format !== FORMAT[mediaType] || !meta.width || !meta.height) throw photoErrors.unreadable();
  if ((meta.pages ?? 1) > 1) throw photoErrors.unreadable();
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (Math.min(width, height) < MIN_SHORT_SIDE) throw photoErrors.tooSmall(width, height, MIN_SHORT_SIDE);
  let dhash: string;
  try {
    // Decodes the whole image: a file cut short has good headers but fails here.
    dhash = await dHash(bytes);
  } catch {
    throw photoErrors.unreadable();
  }
  return { mediaType, width, height, cameraTime: cameraTimeOf(meta.exif), dhash };
}
