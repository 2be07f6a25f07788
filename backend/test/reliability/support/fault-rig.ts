import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../support/test-db.js';
import { buildBackend } from './build-backend.js';
import { ChildBackend } from './child-backend.js';
import { TcpProxy } from './tcp-proxy.js';

/** One backend child on its own database, reached through a TCP proxy the test controls. */
export interface FaultRig {
  db: TestDatabase;
  proxy: TcpProxy;
  backend: ChildBackend;
  env: Record<string, string>;
  main: string;
  /** Starts a fresh child with the same database, secret and environment (after a kill). */
  restart(extra?: Record<string, string>): Promise<ChildBackend>;
  close(): Promise<void>;
}

export async function startFaultRig(label: string, env: Record<string, string> = {}): Promise<FaultRig> {
  const build = await buildBackend();
  const db = await createTestDatabase(label);
  const proxy = await TcpProxy.start(db.url);
  const fullEnv = {
    DATABASE_URL: proxy.through(db.url),
    JWT_SECRET: randomBytes(32).toString('hex'),
    SEED_DEMO: 'true',
    // Small pools: other test files share the PostgreSQL server (100 connections) while this runs.
    DB_POOL_SIZE: '8',
    ...env,
  };
  const rig: FaultRig = {
    db,
    proxy,
    env: fullEnv,
    main: build.main,
    backend: await ChildBackend.start(build.main, fullEnv),
    async restart(extra = {}) {
      if (rig.backend.running) await rig.backend.stop('SIGKILL');
      rig.backend = await ChildBackend.start(build.main, { ...fullEnv, ...extra });
      return rig.backend;
    },
    async close() {
      await rig.backend.stop('SIGKILL').catch(() => undefined);
      await proxy.close().catch(() => undefined);
      await db.drop().catch(() => undefined);
      build.remove();
    },
  };
  return rig;
}
