/**
 * `npm run bench:photos [-- --photos 16 --concurrency 4]`: upload throughput and thumbnail latency for 4 MB photos,
 * against the whole app in this process on real PostgreSQL (DATABASE_URL, required) and the directory photo store in
 * a temp dir. Prints the figures and the machine's load average (docs/benchmarks.md). No assertion: figures only.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createApp } from '../../app.factory.js';
import type { RuntimeConfig } from '../../config/config.module.js';
import { parseConfig } from '../../config/config.schema.js';
import { createRootLogger } from '../../logging/logger.js';
import { latency } from '../../bench/stats.js';
import { comparePositionStrings } from '../../live/live.contract.js';
import { makeBigJpeg } from '../testing/test-images.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { photos: { type: 'string', default: '16' }, concurrency: { type: 'string', default: '4' } } });
  const n = Number(values.photos);
  const concurrency = Number(values.concurrency);
  const admin = process.env.DATABASE_URL;
  if (!admin) throw new Error('DATABASE_URL (an admin URL of a PostgreSQL server) is required');
  const dbName = `bench_photos_${randomBytes(4).toString('hex')}`;
  const adminClient = new pg.Client({ connectionString: admin });
  await adminClient.connect();
  await adminClient.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(admin);
  url.pathname = `/${dbName}`;
  const dir = await mkdtemp(join(tmpdir(), 'bench-photos-'));
  const base = parseConfig({
    DATABASE_URL: url.toString(),
    SEED_DEMO: 'true',
    LOG_LEVEL: 'error',
    PHOTO_DIR: join(dir, 'photos'),
    PHOTO_CACHE_DIR: join(dir, 'cache'),
    RATE_LIMIT_WRITES_PER_MIN: '0',
  });
  const config: RuntimeConfig = { ...base, databaseUrl: url.toString(), jwtSecret: randomBytes(32).toString('hex'), dataDir: dir };
  const app = await createApp(config, createRootLogger({ LOG_FORMAT: 'pretty', LOG_LEVEL: 'error' }));
  try {
    await app.listen(0, '127.0.0.1');
    const addr = app.getHttpServer().address();
    const api = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/api`;
    const login = await fetch(`${api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ nip: 'operator', pin: 'operator123' }),
    });
    const token = ((await login.json()) as { accessToken: string }).accessToken;
    const auth = { authorization: `Bearer ${token}` };

    console.error(`making ${n} photos of about 4 MB...`);
    const photos: Buffer[] = [];
    for (let i = 0; i < n; i++) photos.push(await makeBigJpeg());
    const totalBytes = photos.reduce((a, b) => a + b.length, 0);
    const tps = (i: number) => `16730610020${String((i % 12) + 1).padStart(2, '0')}`;
    const load0 = loadavg();

    // 1. Uploads, `concurrency` at a time: each answer means the bytes are fsynced and the event committed.
    const uploadMs: number[] = [];
    const ids: string[] = [];
    let last: string | null = null;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < n; i = next++) {
          const t0 = performance.now();
          const r = await fetch(`${api}/tps/${tps(i)}/photos?contest=PPWP&page=${(Math.floor(i / 12) % 3) + 1}`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'image/jpeg' },
            body: new Uint8Array(photos[i]),
          });
          const body = (await r.json()) as { photoId: string; position: string };
          if (r.status !== 201) throw new Error(`upload ${i}: ${r.status} ${JSON.stringify(body)}`);
          uploadMs.push(performance.now() - t0);
          ids[i] = body.photoId;
          if (comparePositionStrings(body.position, last) > 0) last = body.position;
        }
      }),
    );
    const wallMs = performance.now() - started;
    // The read side must know the photos before they can be served.
    await fetch(`${api}/summary?minPosition=${last}`, { headers: auth });

    // 2. Thumbnails, one at a time: the first view of each photo makes it (sharp), the second reads the cache.
    const cold: number[] = [];
    const warm: number[] = [];
    for (const id of ids) {
      for (const into of [cold, warm]) {
        const t0 = performance.now();
        const r = await fetch(`${api}/photos/${id}?size=thumb`, { headers: auth });
        await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`thumb ${id}: ${r.status}`);
        into.push(performance.now() - t0);
      }
    }
    const load1 = loadavg();
    const mb = totalBytes / 1024 / 1024;
    console.log(
      JSON.stringify(
        {
          photos: n,
          meanPhotoMB: Math.round((mb / n) * 100) / 100,
          concurrency,
          uploadPhotosPerSec: Math.round((n / (wallMs / 1000)) * 10) / 10,
          uploadMBPerSec: Math.round((mb / (wallMs / 1000)) * 10) / 10,
          uploadMs: latency(uploadMs),
          thumbFirstViewMs: latency(cold),
          thumbCachedMs: latency(warm),
          cpus: cpus().length,
          loadAverageBefore: load0.map((x) => Math.round(x * 100) / 100),
          loadAverageAfter: load1.map((x) => Math.round(x * 100) / 100),
        },
        null,
        2,
      ),
    );
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
    await adminClient.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await adminClient.end();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
