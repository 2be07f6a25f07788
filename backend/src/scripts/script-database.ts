import { resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import type { RuntimeConfig } from '../config/config.module.js';
import { createEventStore } from '../event-store/event-store.module.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { ConfigError, loadConfig } from '../config/config.schema.js';
import { openDataSource } from '../database/data-source.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../database/embedded-postgres.js';

export interface ScriptDatabase {
  url: string;
  db: DataSource;
  close(): Promise<void>;
}

/**
 * The database a command-line script works on: DATABASE_URL, else the embedded PostgreSQL under DATA_DIR (the same
 * data `npm start` uses; stop the server first, the embedded cluster has one owner at a time). Migrations applied.
 */
export async function openScriptDatabase(): Promise<ScriptDatabase> {
  const config = loadConfig();
  let embedded: EmbeddedServer | undefined;
  if (config.embedded) embedded = await startEmbeddedPostgres(resolve(config.DATA_DIR), (m) => console.error(m));
  const url = embedded?.url ?? config.DATABASE_URL!;
  try {
    const db = await openDataSource(url);
    return {
      url,
      db,
      async close() {
        await db.destroy();
        await embedded?.stop();
      },
    };
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
}

/** The event store a script reads, on the script's database (or EVENTSTORE_URL when set). */
export async function openScriptStore(database: ScriptDatabase): Promise<EventStore> {
  const config = loadConfig();
  // The store adapters need no signing secret; the field only completes the runtime config type.
  const runtime: RuntimeConfig = { ...config, databaseUrl: database.url, jwtSecret: '', dataDir: resolve(config.DATA_DIR) };
  return createEventStore(runtime);
}

/** Runs a script's main and exits with its code; a configuration error prints only its message, others their stack. */
export function runScript(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof ConfigError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e));
      process.exit(1);
    },
  );
}
