import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FormPhotoAttached } from '../tps/tps.events.js';
import { sniffType } from './image-inspect.js';
import { PhotoCorruptError, type PhotoStore } from './store/photo-store.port.js';

const EXT = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' } as const;

export interface PhotoExportReport {
  written: number;
  /** Photos an event points at that the store does not hold. */
  missing: string[];
  /** Photos whose stored bytes no longer match their hash (not written). */
  corrupt: string[];
}

/**
 * `audit:export --with-photos DIR`: the bytes of every photo an exported FormPhotoAttached event points at, as
 * `DIR/<sha256>.<jpg|png|webp>`, so an outside verifier can hash each file and find the name in the log. Each photo
 * once, however many events point at it.
 */
export class PhotoExport {
  private readonly seen = new Set<string>();
  readonly report: PhotoExportReport = { written: 0, missing: [], corrupt: [] };

  constructor(
    private readonly store: PhotoStore,
    private readonly dir: string,
  ) {}

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /** Called with every exported event, in log order. */
  async add(event: { type: string; data: unknown }): Promise<void> {
    if (event.type !== 'FormPhotoAttached') return;
    const { hash } = event.data as FormPhotoAttached['data'];
    if (this.seen.has(hash)) return;
    this.seen.add(hash);
    let bytes: Buffer | null;
    try {
      bytes = await this.store.get(hash);
    } catch (e) {
      if (e instanceof PhotoCorruptError) {
        this.report.corrupt.push(hash);
        return;
      }
      throw e;
    }
    if (!bytes) {
      this.report.missing.push(hash);
      return;
    }
    const type = sniffType(bytes);
    await writeFile(join(this.dir, `${hash}.${type ? EXT[type] : 'bin'}`), bytes);
    this.report.written++;
  }
}
