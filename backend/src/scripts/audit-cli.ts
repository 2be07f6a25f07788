/**
 * `npm run audit:verify [-- --expect-head <hash> [--at <position>]] [--checkpoints <file> [--public-key <pem>]]` and
 * `npm run audit:export -- --out file.jsonl`: the auditor's tools without the server (docs/audit.md).
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

/** This installation's key file, when there is one (never created by the command-line tools). */
async function ownKey() {
  const config = loadConfig();
  const file = signingKeyPath({ ...config, dataDir: resolve(config.DATA_DIR) });
  return file && existsSync(file) ? signingKeyFromPem(await readFile(file, 'utf8'), file) : null;
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (command !== 'verify' && command !== 'export') {
    console.error(`${VERIFY_USAGE}\n       npm run audit:export -- --out <file.jsonl>`);
    return 2;
  }
  let verifyArgs: VerifyArgs = {};
  let out: string | undefined;
  try {
    if (command === 'verify') verifyArgs = parseVerifyArgs(args);
    else if (args[0] === '--out' && args[1] && args.length === 2) out = args[1];
    else throw new Error('usage: npm run audit:export -- --out <file.jsonl>');
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
    const file = createWriteStream(out!);
    let n = 0;
    for await (const line of audit.exportLines(signing)) {
      if (!file.write(line + '\n')) await once(file, 'drain');
      n++;
    }
    file.end();
    await once(file, 'finish');
    console.error(`${n - 2} events written to ${out}`);
    return 0;
  } finally {
    await store.close();
    await database.close();
  }
}

runScript(main);
