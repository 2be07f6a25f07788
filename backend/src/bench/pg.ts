/**
 * The PostgreSQL the benchmark measures: DATABASE_URL when set (scratch databases are created on that server and
 * dropped afterwards), else an embedded PostgreSQL started in a temp dir with the app's own settings (durable commits:
 * the benchmark measures the real write path). Never ./.data.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../database/embedded-postgres.js';

export interface BenchCluster {
  embedded: boolean;
  version: string;
  createDatabase(label: string): Promise<string>;
  stop(): Promise<void>;
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

export async function openCluster(databaseUrl: string | undefined, log: (m: string) => void): Promise<BenchCluster> {
  let dir: string | null = null;
  let stopEmbedded: (() => Promise<void>) | null = null;
  let admin = databaseUrl;
  if (!admin) {
    dir = await mkdtemp(join(tmpdir(), 'sipantaumilu-bench-'));
    log(`DATABASE_URL not set: starting an embedded PostgreSQL in ${dir}`);
    const server = await startEmbeddedPostgres(dir, log);
    admin = server.url;
    stopEmbedded = () => server.stop();
  }
  const created: string[] = [];
  const [{ server_version: version }] = await query<{ server_version: string }>(admin, 'SHOW server_version');
  return {
    embedded: !databaseUrl,
    version,
    async createDatabase(label) {
      const name = `bench_${label}_${randomBytes(3).toString('hex')}`;
      await query(admin, `CREATE DATABASE ${name}`);
      created.push(name);
      const url = new URL(admin);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async stop() {
      for (const name of created) await query(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await stopEmbedded?.();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
