/**
 * `npm run projections:rebuild [name]`: rebuilds one projection (or all) from position zero while the old tables keep
 * serving, then switches over (docs/projections.md). Connects with DATABASE_URL (and EVENTSTORE_URL when set); without
 * DATABASE_URL it starts the embedded PostgreSQL in DATA_DIR, which only works while the app is not running on it
 * (use `POST /api/admin/projections/rebuild` against a running app instead).
 */
import 'reflect-metadata';
import { createProjections } from '../projections/projection-registry.js';
import { recordPolicy } from '../projections/policy-setting.js';
import { rebuildProjections } from '../projections/rebuild.js';
import { loadReferenceData } from '../reference/reference-data.js';
import { loadConfig } from '../config/config.schema.js';
import { openScriptDatabase, openScriptStore, runScript } from './script-database.js';

async function main(): Promise<number> {
  const name = process.argv[2];
  // The same FLAGGED_TALLIES as the app's, so the rebuilt totals follow its policy.
  const config = loadConfig();
  const policy = config.FLAGGED_TALLIES;
  const projections = createProjections(loadReferenceData(), { flaggedTallies: policy });
  const chosen = name ? projections.filter((p) => p.name === name) : projections;
  if (chosen.length === 0) {
    console.error(`no projection named ${name}; known: ${projections.map((p) => p.name).join(', ')}`);
    return 2;
  }
  const database = await openScriptDatabase();
  try {
    const store = await openScriptStore(database);
    try {
      console.log(`rebuilding ${chosen.map((p) => p.name).join(', ')} from position zero ...`);
      for (const r of await rebuildProjections(database.db, store, chosen, { memoryLimit: config.REBUILD_MEMORY_LIMIT })) {
        console.log(`rebuilt ${r.name}: ${r.eventsApplied} events in ${r.ms} ms; now at position ${r.position ?? '(empty log)'}`);
      }
      if (chosen.some((p) => p.name === 'tps-status')) await recordPolicy(database.db, policy);
    } finally {
      await store.close();
    }
    return 0;
  } finally {
    await database.close();
  }
}

runScript(main);
