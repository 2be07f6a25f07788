import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { StoreUnavailableError } from '../src/event-store/event-store.errors.js';
import { EVENT_STORE, type EventStore, type NewEvent } from '../src/event-store/event-store.port.js';
import { LIVE_NAMESPACE, LiveMessage, type Positioned, type Summary, type TpsView } from '../src/live/live.contract.js';
import { PhotoSweeper } from '../src/photos/photo-sweeper.js';
import { S3PhotoStore } from '../src/photos/store/s3.photo-store.js';
import { PHOTO_STORE, sha256, type PhotoStore } from '../src/photos/store/photo-store.port.js';
import { makeJpeg } from '../src/photos/testing/test-images.js';
import type { FormPhotoAttached } from '../src/tps/tps.events.js';
import { startS3StandIn, type S3StandIn } from './fakes/s3-stand-in.js';
import { startTestApp, type TestApp } from './support/app.js';
import { upload } from './support/photos.js';

const TPS_A = '1673061002001';

async function listed(store: PhotoStore): Promise<string[]> {
  const out: string[] = [];
  for await (const p of store.list()) out.push(p.hash);
  return out.sort();
}

describe('photo durability: an append that fails after the bytes are stored', () => {
  let t: TestApp;
  let dir: string;
  let officer: string;
  let auditor: string;
  let failAppends = false;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'photos-crash-'));
    t = await startTestApp(
      { PHOTO_DIR: join(dir, 'photos'), PHOTO_CACHE_DIR: join(dir, 'cache'), PHOTO_SWEEP_MINUTES: '0' },
      'photos_crash',
    );
    // The injected failure: the real store's append throws, as when the database goes away between the photo
    // store's fsync and the event's commit.
    const store = t.app.get<EventStore>(EVENT_STORE);
    const append = store.appendToStream.bind(store);
    store.appendToStream = (stream: string, events: NewEvent[], options) => {
      if (failAppends && events.some((e) => e.type === 'FormPhotoAttached'))
        return Promise.reject(new StoreUnavailableError('injected: connection lost during append'));
      return append(stream, events, options);
    };
    officer = await t.login(TPS_A, '123456');
    auditor = await t.login('auditor', 'auditor123');
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 503, appends nothing, never serves the orphan, and the sweep removes it (only once old enough)', async () => {
    const photos = t.app.get<PhotoStore>(PHOTO_STORE);
    const events = t.app.get<EventStore>(EVENT_STORE);
    const kept = await makeJpeg();
    const lost = await makeJpeg();
    const ok = await upload(t.url, officer, TPS_A, kept.bytes);
    expect(ok.status).toBe(201);

    failAppends = true;
    const failed = await upload(t.url, officer, TPS_A, lost.bytes, 'contest=PPWP&page=2');
    failAppends = false;
    expect({ status: failed.status, code: failed.body.code }).toEqual({ status: 503, code: 'STORE.UNAVAILABLE' });

    const stream = await events.readStream(`tps-${TPS_A}`);
    expect(stream.map((e) => (e.data as FormPhotoAttached['data']).hash)).toEqual([sha256(kept.bytes)]);
    expect(await listed(photos)).toEqual([sha256(kept.bytes), sha256(lost.bytes)].sort());
    const served = await fetch(`${t.url}/api/photos/${sha256(lost.bytes)}`, { headers: { authorization: `Bearer ${auditor}` } });
    expect(served.status).toBe(404);

    const sweeper = t.app.get(PhotoSweeper);
    // An orphan younger than PHOTO_ORPHAN_MINUTES may be an upload between its two steps: kept.
    expect(await sweeper.sweep()).toMatchObject({ ran: true, removed: [] });
    expect(await sweeper.sweep(0)).toMatchObject({ ran: true, removed: [sha256(lost.bytes)], kept: 1 });
    expect(await listed(photos)).toEqual([sha256(kept.bytes)]);

    // No event points at nothing.
    for (const e of await events.readAll())
      if (e.type === 'FormPhotoAttached') expect(await photos.has((e.data as FormPhotoAttached['data']).hash)).toBe(true);

    // The phone's retry goes through.
    const retry = await upload(t.url, officer, TPS_A, lost.bytes, 'contest=PPWP&page=2');
    expect(retry.status).toBe(201);
    await t.call('GET', `/api/tps/${TPS_A}?minPosition=${retry.body.position}`, { token: auditor });
    const now = await fetch(`${t.url}/api/photos/${sha256(lost.bytes)}`, { headers: { authorization: `Bearer ${auditor}` } });
    expect(Buffer.from(await now.arrayBuffer()).equals(lost.bytes)).toBe(true);
  });

  it('the live channel pushes the TPS with its photo and the city count of TPS with photos', async () => {
    const display = await t.login('display', 'display123');
    const socket = io(t.url + LIVE_NAMESPACE, { auth: { token: display }, transports: ['websocket'], reconnection: false });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      const tpsB = '1673061002004';
      const gotTps = new Promise<TpsView>((resolve) =>
        socket.on(LiveMessage.TpsUpdated, (m: Positioned<TpsView>) => m.data.id === tpsB && m.data.photos.length > 0 && resolve(m.data)),
      );
      const gotSummary = new Promise<Summary>((resolve) =>
        socket.on(LiveMessage.SummaryUpdated, (m: Positioned<Summary>) => m.data.tpsWithPhotos === 2 && resolve(m.data)),
      );
      const operator = await t.login('operator', 'operator123');
      const r = await upload(t.url, operator, tpsB, (await makeJpeg()).bytes);
      expect(r.status).toBe(201);
      const [tps, summary] = await Promise.all([gotTps, gotSummary]);
      expect(tps.photos[0]).toMatchObject({ photoId: r.body.photoId, page: 1, contest: 'PPWP' });
      expect(summary.tpsWithPhotos).toBe(2);
    } finally {
      socket.close();
    }
  });
});

describe('photos in S3-compatible storage (s3rver stand-in) through the whole app', () => {
  let s3: S3StandIn;
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    s3 = await startS3StandIn();
    dir = await mkdtemp(join(tmpdir(), 'photos-s3-'));
    t = await startTestApp(
      {
        PHOTO_STORE: 's3',
        PHOTO_S3_BUCKET: s3.bucket,
        PHOTO_S3_ENDPOINT: s3.endpoint,
        PHOTO_S3_FORCE_PATH_STYLE: 'true',
        PHOTO_S3_ACCESS_KEY_ID: s3.accessKeyId,
        PHOTO_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        PHOTO_CACHE_DIR: join(dir, 'cache'),
        PHOTO_SWEEP_MINUTES: '0',
      },
      'photos_s3',
    );
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores the upload as an object named by its hash and serves it back', async () => {
    const officer = await t.login(TPS_A, '123456');
    const jpeg = await makeJpeg();
    const r = await upload(t.url, officer, TPS_A, jpeg.bytes);
    expect(r.status).toBe(201);
    const bucket = new S3PhotoStore({
      bucket: s3.bucket,
      prefix: 'photos/',
      client: {
        endpoint: s3.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      },
    });
    try {
      expect((await bucket.get(sha256(jpeg.bytes)))!.equals(jpeg.bytes)).toBe(true);
    } finally {
      await bucket.close();
    }
    await t.call('GET', `/api/tps/${TPS_A}?minPosition=${r.body.position}`, { token: officer });
    const thumb = await fetch(`${t.url}/api/photos/${r.body.photoId}?size=thumb`, { headers: { authorization: `Bearer ${officer}` } });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
  });
});
