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

/** A C.Hasil-like page (title, boxes, numbers) as a JPEG with camera EXIF, for the screens' tests. */
export async function makeFormJpeg(votes: Record<string, number>, width = 1240, height = 1754): Promise<Buffer> {
  const rows = Object.entries(votes)
    .map(
      ([n, v], i) =>
        `<rect x="120" y="${560 + i * 140}" width="1000" height="110" fill="none" stroke="#222" stroke-width="4"/>` +
        `<text x="150" y="${635 + i * 140}" font-size="56" font-family="sans-serif">Paslon ${n}</text>` +
        `<text x="900" y="${635 + i * 140}" font-size="72" font-family="monospace" font-weight="bold">${v}</text>`,
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#f4f1e8"/>
    <text x="120" y="200" font-size="80" font-family="sans-serif" font-weight="bold">MODEL C.HASIL-PPWP</text>
    <text x="120" y="300" font-size="44" font-family="sans-serif">TPS 001 · Kelurahan Ulak Lebar</text>
    <text x="120" y="480" font-size="48" font-family="sans-serif">IV. PEROLEHAN SUARA</text>${rows}
    <line x1="120" y1="1500" x2="600" y2="1500" stroke="#222" stroke-width="3"/>
    <text x="120" y="1560" font-size="36" font-family="sans-serif">KPPS</text></svg>`;
  return sharp(Buffer.from(svg))
    .jpeg({ quality: 88 })
    .withExif({ IFD0: { Make: 'TestCam' }, IFD2: { DateTimeOriginal: '2024:02:14 13:20:00' } })
    .toBuffer();
}
