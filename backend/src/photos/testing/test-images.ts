/** Real images made with sharp for the tests and the benchmark: random blocks so every image has its own dHash. */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';

export interface MadeImage {
  bytes: Buffer;
  width: number;
  height: number;
}

/** A "form" of random blocks, scaled up without smoothing. */
export function formPicture(width: number, height: number) {
  const bw = 16;
  const bh = 12;
  return sharp(randomBytes(bw * bh * 3), { raw: { width: bw, height: bh, channels: 3 } }).resize(width, height, {
    kernel: 'nearest',
    fit: 'fill',
  });
}

export async function makeJpeg(width = 1200, height = 900, exif = true, quality = 90): Promise<MadeImage> {
  let img = formPicture(width, height).jpeg({ quality });
  if (exif) {
    img = img.withExif({
      IFD0: { Make: 'TestCam', Model: 'E2E' },
      IFD2: { DateTimeOriginal: '2024:02:14 13:05:09' },
      IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '3/1 17/1 48/1', GPSLongitudeRef: 'E', GPSLongitude: '102/1 51/1 42/1' },
    });
  }
  return { bytes: await img.toBuffer(), width, height };
}

export async function makePng(width = 900, height = 1200): Promise<MadeImage> {
  return { bytes: await formPicture(width, height).png().toBuffer(), width, height };
}

export async function makeWebp(width = 1000, height = 800): Promise<MadeImage> {
  return { bytes: await formPicture(width, height).webp({ quality: 80 }).toBuffer(), width, height };
}

/** The same picture re-saved: other bytes, nearly the same dHash. */
export async function resave(jpeg: Buffer, quality = 55): Promise<Buffer> {
  return sharp(jpeg).resize(1000).jpeg({ quality }).toBuffer();
}

/** A photo of about 4 MB: 2304 x 1728 of per-pixel noise at quality 95 (noise keeps JPEG from compressing it away). */
export async function makeBigJpeg(): Promise<Buffer> {
  const width = 2304;
  const height = 1728;
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 95 })
    .toBuffer();
}
