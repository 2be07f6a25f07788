/**
 * `npm run audit:verify` and `npm run audit:export -- --out file.jsonl [--with-photos DIR]`: the auditor's tools
 * without the server. `--with-photos` also writes every photo the log points at into DIR (photos/photo-export.ts).
 * Same rules as the other scripts: DATABASE_URL / EVENTSTORE_URL, or the embedded data when the app is stopped.
 */
import 'reflect-metadata';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { AuditService } from '../audit/audit.service.js';
import { openScriptDatabase, openScriptStore, runScript } from './script-database.js';
import { loadConfig } from '../config/config.schema.js';
import { createPhotoStore } from '../photos/store/photo-store.factory.js';
import { PhotoExport } from '../photos/photo-export.js';
import { resolve } from 'node:path';

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (command !== 'verify' && command !== 'export') {
    console.error('usage: audit-cli verify | export --out <file.jsonl>');
    return 2;
  }
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? args[outAt + 1] : undefined;
  const photosAt = args.indexOf('--with-photos');
  const photosDir = photosAt >= 0 ? args[photosAt + 1] : undefined;
  if (command === 'export' && (!out || (photosAt >= 0 && !photosDir))) {
    console.error('usage: npm run audit:export -- --out <file.jsonl> [--with-photos <dir>]');
    return 2;
  }
  const database = await openScriptDatabase();
  const store = await openScriptStore(database);
  try {
    const audit = new AuditService(store, database.db);
    if (command === 'verify') {
      const report = await audit.verify();
      console.log(JSON.stringify(report, null, 2));
      return report.ok ? 0 : 1;
    }
    const config = loadConfig();
    const photoStore = photosDir ? createPhotoStore({ ...config, dataDir: resolve(config.DATA_DIR) }) : null;
    const photos = photoStore ? new PhotoExport(photoStore, photosDir!) : null;
    await photos?.open();
    const file = createWriteStream(out!);
    let n = 0;
    try {
      for await (const line of audit.exportLines()) {
        if (!file.write(line + '\n')) await once(file, 'drain');
        await photos?.add(JSON.parse(line) as { type: string; data: unknown });
        n++;
      }
    } finally {
      file.end();
      await once(file, 'finish');
      await photoStore?.close();
    }
    console.error(`${n} events written to ${out}`);
    if (!photos) return 0;
    const r = photos.report;
    console.error(`${r.written} photos written to ${photosDir}`);
    for (const h of r.missing) console.error(`MISSING photo ${h}: an event points at it, the photo store does not hold it`);
    for (const h of r.corrupt) console.error(`CORRUPT photo ${h}: the stored bytes no longer match the hash; not written`);
    return r.missing.length + r.corrupt.length === 0 ? 0 : 1;
  } finally {
    await store.close();
    await database.close();
  }
}

runScript(main);
