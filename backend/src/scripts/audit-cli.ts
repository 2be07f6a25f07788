/**
 * `npm run audit:verify [-- --expect-head <hash> [--at <position>]] [--checkpoints <file> [--public-key <pem>]]` and
 * `npm run audit:export -- --out file.jsonl [--with-photos DIR]`: the auditor's tools without the server (docs/audit.md).
 * `--with-photos` also writes every photo the log points at into DIR (photos/photo-export.ts).
 * Same rules as the other scripts: DATABASE_URL / EVENTSTORE_URL, or the embedded data when the app is stopped.
 */
import 'reflect-metadata';
import { createWriteStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { AuditService } from '../audit/audit.service.js';
import type { PublicKeyInfo } from '../audit/checkpoints/checkpoint.js';
import { publicKeyFromPem, signingKeyFromPem, signingKeyPath } from '../audit/checkpoints/signing-key.js';
import { parseVerifyArgs, runVerify, VERIFY_USAGE, type VerifyArgs } from '../audit/checkpoints/verify-command.js';
import { loadConfig } from '../config/config.schema.js';
import { openScriptDatabase, openScriptStore, runScript } from './script-database.js';
import { createPhotoStore } from '../photos/store/photo-store.factory.js';
import { PhotoExport } from '../photos/photo-export.js';

/** This installation's key file, when there is one (never created by the command-line tools). */
async function ownKey() {
  const config = loadConfig();
  const file = signingKeyPath({ ...config, dataDir: resolve(config.DATA_DIR) });
  return file && existsSync(file) ? signingKeyFromPem(await readFile(file, 'utf8'), file) : null;
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (command !== 'verify' && command !== 'export') {
    console.error(`${VERIFY_USAGE}\n       npm run audit:export -- --out <file.jsonl> [--with-photos <dir>]`);
    return 2;
  }
  let verifyArgs: VerifyArgs = {};
  let out: string | undefined;
  let photosDir: string | undefined;
  const exportUsage = 'usage: npm run audit:export -- --out <file.jsonl> [--with-photos <dir>]';
  try {
    if (command === 'verify') verifyArgs = parseVerifyArgs(args);
    else {
      const outAt = args.indexOf('--out');
      const photosAt = args.indexOf('--with-photos');
      out = outAt >= 0 ? args[outAt + 1] : undefined;
      photosDir = photosAt >= 0 ? args[photosAt + 1] : undefined;
      const known = (outAt >= 0 ? 2 : 0) + (photosAt >= 0 ? 2 : 0);
      if (!out || (photosAt >= 0 && !photosDir) || known !== args.length) throw new Error(exportUsage);
    }
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const database = await openScriptDatabase();
  const store = await openScriptStore(database);
  try {
    const audit = new AuditService(store, database.db);
    if (command === 'verify') {
      const report = await runVerify(audit, verifyArgs, {
        readText: (file) => readFile(file, 'utf8'),
        async publicKey(file) {
          if (file) return publicKeyFromPem(await readFile(file, 'utf8'));
          const own = await ownKey();
          if (!own) throw new Error('no public key: pass --public-key <file> (the PEM from GET /api/audit/public-key)');
          return own.publicKey;
        },
      }).catch((e: unknown) => {
        // A missing or unreadable file, a bad key: the message says which, no stack.
        console.error(e instanceof Error ? e.message : String(e));
        return null;
      });
      if (!report) return 2;
      console.log(JSON.stringify(report, null, 2));
      return report.ok ? 0 : 1;
    }
    const own = await ownKey();
    const signing: PublicKeyInfo | null = own ? { algorithm: 'Ed25519', keyId: own.keyId, publicKey: own.publicKeyPem } : null;
    const config = loadConfig();
    const photoStore = photosDir ? createPhotoStore({ ...config, dataDir: resolve(config.DATA_DIR) }) : null;
    const photos = photoStore ? new PhotoExport(photoStore, photosDir!) : null;
    await photos?.open();
    const file = createWriteStream(out!);
    let n = 0;
    try {
      for await (const line of audit.exportLines(signing)) {
        if (!file.write(line + '\n')) await once(file, 'drain');
        await photos?.add(JSON.parse(line) as { type: string; data: unknown });
        n++;
      }
    } finally {
      file.end();
      await once(file, 'finish');
      await photoStore?.close();
    }
    // The first and last lines are the key header and the checkpoint list, not events.
    console.error(`${n - 2} events written to ${out}`);
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
