/**
 * `npm run audit:verify` and `npm run audit:export -- --out file.jsonl`: the auditor's tools without the server.
 * Same rules as the other scripts: DATABASE_URL / EVENTSTORE_URL, or the embedded data when the app is stopped.
 */
import 'reflect-metadata';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { AuditService } from '../audit/audit.service.js';
import { openScriptDatabase, openScriptStore, runScript } from './script-database.js';

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (command !== 'verify' && command !== 'export') {
    console.error('usage: audit-cli verify | export --out <file.jsonl>');
    return 2;
  }
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? args[outAt + 1] : undefined;
  if (command === 'export' && !out) {
    console.error('usage: npm run audit:export -- --out <file.jsonl>');
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
    const file = createWriteStream(out!);
    let n = 0;
    for await (const line of audit.exportLines()) {
      if (!file.write(line + '\n')) await once(file, 'drain');
      n++;
    }
    file.end();
    await once(file, 'finish');
    console.error(`${n} events written to ${out}`);
    return 0;
  } finally {
    await store.close();
    await database.close();
  }
}

runScript(main);
