import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PhotoExport } from './photo-export.js';
import { FsPhotoStore } from './store/fs.photo-store.js';
import { sha256 } from './store/photo-store.port.js';
import { makeJpeg, makePng } from './testing/test-images.js';

const attached = (hash: string) => ({ type: 'FormPhotoAttached', data: { hash } });

describe('audit export of photos', () => {
  it('writes each photo an event points at once, named by its hash, and reports missing and corrupt ones', async () => {
    const root = await mkdtemp(join(tmpdir(), 'photo-export-'));
    try {
      const store = new FsPhotoStore(join(root, 'store'));
      const [jpeg, png, damaged] = [(await makeJpeg()).bytes, (await makePng()).bytes, (await makeJpeg()).bytes];
      for (const b of [jpeg, png, damaged]) await store.put(sha256(b), b);
      await writeFile(join(root, 'store', sha256(damaged).slice(0, 2), sha256(damaged)), Buffer.from('overwritten'));
      const absent = 'a'.repeat(64);

      const out = new PhotoExport(store, join(root, 'out'));
      await out.open();
      for (const e of [
        attached(sha256(jpeg)),
        { type: 'TallySubmitted', data: {} },
        attached(sha256(png)),
        attached(sha256(jpeg)),
        attached(absent),
        attached(sha256(damaged)),
      ])
        await out.add(e);

      expect(out.report).toEqual({ written: 2, missing: [absent], corrupt: [sha256(damaged)] });
      const files = (await readdir(join(root, 'out'))).sort();
      expect(files).toEqual([`${sha256(jpeg)}.jpg`, `${sha256(png)}.png`].sort());
      // What an outside verifier does: hash the file, compare with its name.
      for (const f of files) {
        const digest = createHash('sha256')
          .update(await readFile(join(root, 'out', f)))
          .digest('hex');
        expect(`${digest}.${f.split('.')[1]}`).toBe(f);
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
