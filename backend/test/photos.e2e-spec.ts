import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { EVENT_STORE, type EventStore } from '../src/event-store/event-store.port.js';
import { PHOTO_STORE, sha256, type PhotoStore } from '../src/photos/store/photo-store.port.js';
import { makeJpeg, makePng, makeWebp, resave } from '../src/photos/testing/test-images.js';
import { startTestApp, type TestApp } from './support/app.js';
import { upload } from './support/photos.js';

const TPS_A = '1673061002001';
const TPS_B = '1673061002002';
const TPS_C = '1673061002003';

describe('C.Hasil photos (e2e, real PostgreSQL, photos in a directory)', () => {
  let t: TestApp;
  let dir: string;
  let officerA: string;
  let officerB: string;
  let operator: string;
  let auditor: string;
  let jpeg: Awaited<ReturnType<typeof makeJpeg>>;

  const streamOf = async (tpsId: string) => t.app.get<EventStore>(EVENT_STORE).readStream(`tps-${tpsId}`);
  const storedPhotos = async () => {
    const out: string[] = [];
    for await (const p of t.app.get<PhotoStore>(PHOTO_STORE).list()) out.push(p.hash);
    return out.sort();
  };
  const getPhoto = (token: string, id: string, query = '', headers: Record<string, string> = {}) =>
    fetch(`${t.url}/api/photos/${id}${query}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'photos-e2e-'));
    t = await startTestApp({ PHOTO_DIR: join(dir, 'photos'), PHOTO_CACHE_DIR: join(dir, 'cache'), PHOTO_SWEEP_MINUTES: '0' }, 'photos');
    [officerA, officerB, operator, auditor] = await Promise.all([
      t.login(TPS_A, '123456'),
      t.login(TPS_B, '123456'),
      t.login('operator', 'operator123'),
      t.login('auditor', 'auditor123'),
    ]);
    jpeg = await makeJpeg();
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('takes a JPEG from the TPS officer: 201, stored under its SHA-256, FormPhotoAttached in the TPS stream', async () => {
    const r = await upload(t.url, officerA, TPS_A, jpeg.bytes);
    expect(r.status).toBe(201);
    const hash = sha256(jpeg.bytes);
    expect(r.body).toMatchObject({
      photoId: hash,
      revision: 0,
      width: 1200,
      height: 900,
      bytes: jpeg.bytes.length,
      duplicateOf: null,
      mediaType: 'image/jpeg',
      cameraTime: '2024-02-14T13:05:09',
    });
    expect(typeof r.body.eventId).toBe('string');
    expect(r.body.position).toMatch(/^\d+\/\d+$/);
    // The uploader reads its own photo at once with the answer's position (access comes from the read model).
    const own = await getPhoto(officerA, hash, `?minPosition=${r.body.position}`);
    expect(own.status).toBe(200);
    expect(own.headers.get('x-log-position')).toMatch(/^\d+\/\d+$/);
    expect((await getPhoto(officerA, hash, '?minPosition=later')).status).toBe(400);
    expect(await storedPhotos()).toEqual([hash]);
    const [e] = await streamOf(TPS_A);
    expect(e.type).toBe('FormPhotoAttached');
    expect(e.id).toBe(r.body.eventId);
    expect(e.data).toMatchObject({ hash, contest: 'PPWP', page: 1, size: jpeg.bytes.length, width: 1200, height: 900 });
    expect(e.metadata.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes PNG and WebP too', async () => {
    const png = await makePng();
    const webp = await makeWebp();
    const p = await upload(t.url, officerA, TPS_A, png.bytes, 'contest=PPWP&page=2', 'image/png');
    const w = await upload(t.url, operator, TPS_A, webp.bytes, 'contest=PPWP&page=3', 'image/webp');
    expect(p).toMatchObject({ status: 201, body: { mediaType: 'image/png', width: 900, height: 1200, revision: 1, cameraTime: null } });
    expect(w).toMatchObject({ status: 201, body: { mediaType: 'image/webp', width: 1000, height: 800, revision: 2 } });
  });

  it('the same bytes for the same TPS, contest and page again are a replay: the same answer, nothing appended', async () => {
    const first = (await streamOf(TPS_A)).find((e) => e.type === 'FormPhotoAttached')!;
    const again = await upload(t.url, officerA, TPS_A, jpeg.bytes);
    const byOperator = await upload(t.url, operator, TPS_A, jpeg.bytes);
    for (const r of [again, byOperator]) {
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ photoId: sha256(jpeg.bytes), eventId: first.id, revision: 0, replayed: true });
    }
    expect(await streamOf(TPS_A)).toHaveLength(3);
  });

  describe('refusals store nothing and append nothing', () => {
    const cases: [string, () => Promise<{ bytes: Buffer; query?: string; token?: () => string; tps?: string }>, number, string][] = [
      ['text', async () => ({ bytes: Buffer.from('just some text, not an image') }), 415, 'PHOTO.UNSUPPORTED_TYPE'],
      [
        'GIF',
        async () => ({
          bytes: await sharp({ create: { width: 800, height: 800, channels: 3, background: '#fff' } })
            .gif()
            .toBuffer(),
        }),
        415,
        'PHOTO.UNSUPPORTED_TYPE',
      ],
      ['JPEG cut in half', async () => ({ bytes: (await makeJpeg(1300, 1000, false)).bytes.subarray(0, 20_000) }), 422, 'PHOTO.UNREADABLE'],
      ['PNG cut short', async () => ({ bytes: (await makePng(800, 800)).bytes.subarray(0, 600) }), 422, 'PHOTO.UNREADABLE'],
      [
        'JPEG magic then garbage',
        async () => ({ bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5000, 7)]) }),
        422,
        'PHOTO.UNREADABLE',
      ],
      ['WebP header only', async () => ({ bytes: (await makeWebp()).bytes.subarray(0, 30) }), 422, 'PHOTO.UNREADABLE'],
      ['599 px short side', async () => ({ bytes: (await makeJpeg(1600, 599)).bytes }), 422, 'PHOTO.TOO_SMALL'],
      ['tiny PNG', async () => ({ bytes: (await makePng(320, 240)).bytes }), 422, 'PHOTO.TOO_SMALL'],
      ['page 0', async () => ({ bytes: jpeg.bytes, query: 'contest=PPWP&page=0' }), 400, 'REQUEST.INVALID'],
      ['page 4', async () => ({ bytes: jpeg.bytes, query: 'contest=PPWP&page=4' }), 400, 'REQUEST.INVALID'],
      ['page missing', async () => ({ bytes: jpeg.bytes, query: 'contest=PPWP' }), 400, 'REQUEST.INVALID'],
      ['unknown contest', async () => ({ bytes: jpeg.bytes, query: 'contest=DPRX&page=1' }), 400, 'REQUEST.INVALID'],
      ['unknown TPS', async () => ({ bytes: jpeg.bytes, tps: '1673061002999', token: () => operator }), 400, 'REQUEST.INVALID'],
      ['above 12 MB', async () => ({ bytes: Buffer.concat([jpeg.bytes, Buffer.alloc(12 * 1024 * 1024)]) }), 413, 'PHOTO.TOO_LARGE'],
      ['empty body', async () => ({ bytes: Buffer.alloc(0) }), 400, 'PHOTO.EMPTY'],
      ["another TPS's officer", async () => ({ bytes: jpeg.bytes, token: () => officerB }), 403, 'AUTH.WRONG_TPS'],
      ['an auditor', async () => ({ bytes: jpeg.bytes, token: () => auditor }), 403, 'AUTH.FORBIDDEN'],
    ];
    it.each(cases)('%s -> %s %s', async (_name, make, status, code) => {
      const c = await make();
      const before = { photos: await storedPhotos(), events: (await streamOf(TPS_A)).length };
      const r = await upload(t.url, c.token?.() ?? officerA, c.tps ?? TPS_A, c.bytes, c.query ?? 'contest=PPWP&page=1');
      expect({ status: r.status, code: r.body?.code }).toEqual({ status, code });
      expect(await storedPhotos()).toEqual(before.photos);
      expect(await streamOf(TPS_A)).toHaveLength(before.events);
    });
  });

  it('serves the original to auditor, operator and the TPS officer with ETag = hash; 304 on If-None-Match', async () => {
    const hash = sha256(jpeg.bytes);
    const up = await upload(t.url, officerA, TPS_A, jpeg.bytes);
    await t.call('GET', `/api/tps/${TPS_A}?minPosition=${up.body.position}`, { token: auditor });
    for (const token of [auditor, operator, officerA]) {
      const r = await getPhoto(token, hash);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('image/jpeg');
      expect(r.headers.get('etag')).toBe(`"${hash}"`);
      expect(r.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
      expect(Buffer.from(await r.arrayBuffer()).equals(jpeg.bytes)).toBe(true);
    }
    const again = await getPhoto(auditor, hash, '', { 'if-none-match': `"${hash}"` });
    expect(again.status).toBe(304);
    expect(await again.arrayBuffer()).toHaveProperty('byteLength', 0);
    expect((await getPhoto(officerB, hash)).status).toBe(403);
    const display = await t.login('display', 'display123');
    expect((await getPhoto(display, hash)).status).toBe(403);
    expect((await getPhoto(auditor, 'f'.repeat(64))).status).toBe(404);
    expect((await getPhoto(auditor, 'nope')).status).toBe(400);
    expect((await getPhoto(auditor, hash, '?size=huge')).status).toBe(400);
    // Names every object has are not sizes either (they were a 500 from sharp).
    for (const size of ['toString', 'constructor', '__proto__']) {
      const r = await getPhoto(auditor, hash, `?size=${size}`);
      expect([size, r.status, ((await r.json()) as { code: string }).code]).toEqual([size, 400, 'REQUEST.INVALID']);
    }
  });

  it('thumb and medium are resized JPEGs with no EXIF (no location), cached, same ETag', async () => {
    const hash = sha256(jpeg.bytes);
    expect((await sharp(jpeg.bytes).metadata()).exif).toBeDefined();
    for (const [size, px] of [
      ['thumb', 320],
      ['medium', 1200],
    ] as const) {
      const r = await getPhoto(auditor, hash, `?size=${size}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('image/jpeg');
      expect(r.headers.get('etag')).toBe(`"${hash}"`);
      const bytes = Buffer.from(await r.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      expect(Math.max(meta.width, meta.height)).toBe(px);
      expect(meta.exif).toBeUndefined();
      expect(bytes.includes(Buffer.from('TestCam'))).toBe(false);
      const second = Buffer.from(await (await getPhoto(auditor, hash, `?size=${size}`)).arrayBuffer());
      expect(second.equals(bytes)).toBe(true);
    }
    expect((await readdir(join(dir, 'cache'))).sort()).toEqual([`${hash}.medium.jpg`, `${hash}.thumb.jpg`]);
  });

  it('GET /api/tps/{id} lists the photos; the summary counts TPS with photos', async () => {
    const r = await t.call('GET', `/api/tps/${TPS_A}`, { token: operator });
    expect(r.status).toBe(200);
    expect(r.body.photos.map((p: { page: number }) => p.page)).toEqual([1, 2, 3]);
    expect(r.body.photos[0]).toMatchObject({ photoId: sha256(jpeg.bytes), contest: 'PPWP', revision: 0, width: 1200, height: 900 });
    expect(r.body.photos[0].dhash).toBeUndefined();
    const s = await t.call('GET', '/api/summary', { token: operator });
    expect(s.body.tpsWithPhotos).toBe(1);
  });

  it('flags the same photo at two TPS on both (PHOTO.REUSED) and a re-saved copy (PHOTO.NEAR_DUPLICATE): flags, not refusals', async () => {
    // The comparison reads the read model: let it see TPS A's photo first (a replay answers its original position).
    const atA = await upload(t.url, officerA, TPS_A, jpeg.bytes);
    await t.call('GET', `/api/tps/${TPS_A}?minPosition=${atA.body.position}`, { token: operator });
    const reused = await upload(t.url, officerB, TPS_B, jpeg.bytes);
    expect(reused.status).toBe(201);
    expect(reused.body.duplicateOf).toEqual({ code: 'PHOTO.REUSED', tpsId: TPS_A, photoId: sha256(jpeg.bytes), distance: 0 });
    const copy = await resave(jpeg.bytes);
    expect(sha256(copy)).not.toBe(sha256(jpeg.bytes));
    await t.call('GET', `/api/tps/${TPS_B}?minPosition=${reused.body.position}`, { token: operator });
    const near = await upload(t.url, operator, TPS_C, copy);
    expect(near.status).toBe(201);
    expect(near.body.duplicateOf).toMatchObject({ code: 'PHOTO.NEAR_DUPLICATE', photoId: sha256(jpeg.bytes) });
    expect(near.body.duplicateOf.distance).toBeLessThanOrEqual(6);

    const codes = async (id: string) =>
      (await t.call('GET', `/api/tps/${id}?minPosition=${near.body.position}`, { token: operator })).body.flags
        .filter((f: { kind: string }) => f.kind === 'photo')
        .map((f: { code: string }) => f.code);
    expect(await codes(TPS_A)).toEqual(['PHOTO.REUSED', 'PHOTO.NEAR_DUPLICATE']);
    expect(await codes(TPS_B)).toEqual(['PHOTO.REUSED']);
    expect(await codes(TPS_C)).toEqual(['PHOTO.NEAR_DUPLICATE']);
    const s = await t.call('GET', '/api/summary', { token: operator });
    expect(s.body.tpsWithPhotos).toBe(3);
    // The as-of replay counts the same.
    const asOf = await t.call('GET', `/api/summary?asOf=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, {
      token: operator,
    });
    expect(asOf.body.tpsWithPhotos).toBe(3);
  });

  it('a rebuild of the TPS read model gives the same photos and flags (they come from the events alone)', async () => {
    const admin = await t.login('admin', 'admin123');
    const views = async () =>
      Promise.all([TPS_A, TPS_B, TPS_C].map(async (id) => (await t.call('GET', `/api/tps/${id}`, { token: operator })).body));
    const before = await views();
    expect(before.map((v: { photos: unknown[] }) => v.photos.length)).toEqual([3, 1, 1]);
    const r = await t.call('POST', '/api/admin/projections/rebuild', { token: admin, body: { name: 'tps-status' } });
    expect(r.status).toBe(200);
    const strip = (v: { lastChangeAt: unknown }[]) => v.map(({ lastChangeAt: _l, ...rest }) => rest);
    expect(strip(await views())).toEqual(strip(before));
  });
});
