import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { RuntimeConfig } from '../../src/config/config.module.js';
import { parseConfig } from '../../src/config/config.schema.js';
import { openDataSource } from '../../src/database/data-source.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres.event-store.js';
import { PhotoLookup } from '../../src/photos/photo-lookup.js';
import { PhotoSweeper } from '../../src/photos/photo-sweeper.js';
import { FsPhotoStore } from '../../src/photos/store/fs.photo-store.js';
import { sha256 } from '../../src/photos/store/photo-store.port.js';
import { makeJpeg } from '../../src/photos/testing/test-images.js';
import { upload } from '../support/photos.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { buildBackend } from './support/build-backend.js';
import { ChildBackend } from './support/child-backend.js';

const TPS = '1673061002001';

/**
 * A real crash between the two steps of an upload: the test holds the TPS stream's row lock so the append waits,
 * watches the photo store until the bytes are there (fsynced), then SIGKILLs the backend process and ends its
 * database sessions.
 */
describe('photo upload: the backend killed between storing the bytes and appending the event', () => {
  let db: TestDatabase;
  let build: Awaited<ReturnType<typeof buildBackend>>;
  let dir: string;
  let env: Record<string, string>;
  let backend: ChildBackend | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('photo_crash');
    build = await buildBackend();
    dir = await mkdtemp(join(tmpdir(), 'photo-crash-'));
    env = {
      DATABASE_URL: db.url,
      JWT_SECRET: randomBytes(32).toString('hex'),
      SEED_DEMO: 'true',
      DATA_DIR: dir,
      PHOTO_DIR: join(dir, 'photos'),
      PHOTO_SWEEP_MINUTES: '0',
    };
  });
  afterAll(async () => {
    if (backend?.running) await backend.stop();
    build?.remove();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves no event pointing at nothing, and the sweep removes the orphan', async () => {
    backend = await ChildBackend.start(build.main, env);
    const token = await backend.login(TPS, '123456');
    const kept = (await makeJpeg()).bytes;
    const lost = (await makeJpeg()).bytes;
    expect((await upload(backend.url, token, TPS, kept)).status).toBe(201);

    const lock = new pg.Client({ connectionString: db.url });
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query(`SELECT revision FROM es.streams WHERE stream_id = $1 FOR UPDATE`, [`tps-${TPS}`]);
    const pending = upload(backend.url, token, TPS, lost, 'contest=PPWP&page=2').catch((e: unknown) => e);
    const file = join(dir, 'photos', sha256(lost).slice(0, 2), sha256(lost));
    for (let i = 0; i < 400 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(file)).toBe(true);
    await backend.stop('SIGKILL');
    // The killed process's database sessions go with it before the lock is released. (Left alone, PostgreSQL still
    // runs the append the dead client had sent once the lock frees, and commits it: also consistent, since the bytes
    // were stored first; seen while writing this test.)
    await lock.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    await lock.query('ROLLBACK');
    await lock.end();
    // The connection died with the process: no answer, so no 2xx.
    expect(await pending).toHaveProperty('message', 'fetch failed');

    const events = new pg.Client({ connectionString: db.url });
    await events.connect();
    const { rows } = await events.query(`SELECT type, data->>'hash' AS hash FROM es.events WHERE stream_id = $1 ORDER BY revision`, [
      `tps-${TPS}`,
    ]);
    await events.end();
    expect(rows).toEqual([{ type: 'FormPhotoAttached', hash: sha256(kept) }]);

    // After the restart the projections have the log; the sweep (PHOTO_SWEEP_MINUTES=0 here) runs from the test.
    backend = await ChildBackend.start(build.main, env);
    const again = await backend.login(TPS, '123456');
    const replay = await upload(backend.url, again, TPS, kept);
    await backend.call('GET', `/api/tps/${TPS}?minPosition=${replay.body.position}`, { token: again });
    const config: RuntimeConfig = { ...parseConfig({ DATABASE_URL: db.url }), databaseUrl: db.url, jwtSecret: '', dataDir: dir };
    const ds = await openDataSource(db.url);
    const store = await PostgresEventStore.connect({ connectionString: db.url, poolSize: 2 });
    const photos = new FsPhotoStore(join(dir, 'photos'));
    try {
      const sweeper = new PhotoSweeper(photos, store, config, new PhotoLookup(ds));
      expect(await sweeper.sweep(0)).toMatchObject({ ran: true, removed: [sha256(lost)], kept: 1 });
      expect(await photos.has(sha256(kept))).toBe(true);
      expect(await photos.has(sha256(lost))).toBe(false);
    } finally {
      await store.close();
      await ds.destroy();
    }
    const retry = await upload(backend.url, again, TPS, lost, 'contest=PPWP&page=2');
    expect(retry.status).toBe(201);
  });
});
