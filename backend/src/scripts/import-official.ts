/**
 * `npm run official:import -- PATH`: KPU Sirekap's per-TPS results (a directory of `<tpsId>.json` as published, one
 * JSON-lines file with `tps_id` on each line, or a CSV of the same fields) into the TPS streams as
 * `OfficialResultImported` (docs/audit.md). Prints one line per file, line or row; exit 1 when any was refused.
 * Runs on DATABASE_URL (and EVENTSTORE_URL), or the embedded PostgreSQL in DATA_DIR while the app is stopped.
 */
import 'reflect-metadata';
import { loadConfig } from '../config/config.schema.js';
import { importOfficialResults } from '../official/official-import.js';
import { loadContests } from '../reference/contests.js';
import { loadReferenceData } from '../reference/reference-data.js';
import { TpsCommandHandler } from '../tps/tps-command.handler.js';
import { openScriptDatabase, openScriptStore, runScript } from './script-database.js';

async function main(): Promise<number> {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: npm run official:import -- <directory of <tpsId>.json | file.jsonl | file.csv>');
    return 2;
  }
  const config = loadConfig();
  const ref = config.REFERENCE_FILE ? loadReferenceData(config.REFERENCE_FILE) : loadReferenceData();
  const contests = config.CONTESTS_FILE ? loadContests(config.CONTESTS_FILE) : loadContests();
  const database = await openScriptDatabase();
  try {
    const store = await openScriptStore(database);
    try {
      const report = await importOfficialResults(path, {
        handler: new TpsCommandHandler(store),
        ref,
        contest: contests.byCode.get(contests.defaultCode)!,
      });
      for (const l of report.lines) (l.status === 'error' ? console.error : console.log)(`${l.status}\t${l.label}\t${l.message}`);
      console.log(
        `${report.imported} imported, ${report.alreadyImported} already imported, ${report.pending} not yet processed by KPU, ${report.errors} refused`,
      );
      return report.errors > 0 ? 1 : 0;
    } finally {
      await store.close();
    }
  } finally {
    await database.close();
  }
}

runScript(main);
