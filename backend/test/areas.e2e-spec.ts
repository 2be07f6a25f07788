/** GET /api/areas on the city (root kabupaten 1673): the area view, its paging contract and its codes. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { goodTally, startTestApp, type TestApp } from './support/app.js';

const TPS = '1673061002001';
const KEL = '1673061002';
const KEC = '167306';

describe('areas API (e2e, city)', () => {
  let t: TestApp;
  let display: string;
  let operator: string;
  let last = '';

  beforeAll(async () => {
    t = await startTestApp({ QUICKCOUNT_MIN_TPS: '2' }, 'areas');
    const officer = await t.login(TPS, '123456');
    [display, operator] = await Promise.all([t.login('display', 'display123'), t.login('operator', 'operator123')]);
    const w = await t.call('POST', `/api/tps/${TPS}/tally`, { token: officer, body: goodTally() });
    expect(w.status).toBe(201);
    last = w.body.position;
  });
  afterAll(() => t?.close());

  it('answers the root (the city) with its kecamatan as children, the same numbers as /api/summary', async () => {
    const r = await t.call('GET', `/api/areas?minPosition=${last}`, { token: display });
    expect(r.status).toBe(200);
    const summary = await t.call('GET', '/api/summary', { token: display });
    expect(r.body.area).toMatchObject({ level: 'kabupaten', code: '1673', name: 'Kota Lubuklinggau', tpsTotal: 635 });
    expect(r.body.area.validVotes).toBe(summary.body.validVotes);
    expect(r.body.area.candidates).toEqual(summary.body.candidates);
    expect(r.body.area.estimate.method).toBe('ratio-estimator-cluster-fpc');
    expect(r.body).toMatchObject({ parents: [], childLevel: 'kecamatan', childrenTotal: 8, nextCursor: null });
    expect(r.body.children.map((c: { code: string }) => c.code)).toEqual([...r.body.children.map((c: { code: string }) => c.code)].sort());
    expect(r.body.children.find((c: { code: string }) => c.code === KEC)).toMatchObject({ level: 'kecamatan', tpsReported: 1 });
    expect(r.body.position).toEqual(r.headers.get('x-log-position'));
    const kec = await t.call('GET', '/api/kecamatan', { token: display });
    expect(r.body.children.map((c: { validVotes: number }) => c.validVotes)).toEqual(
      kec.body.map((c: { validVotes: number }) => c.validVotes),
    );
  });

  it('names the root without sign-in (GET /api/root, for the sign-in page), the same as the area view', async () => {
    const r = await t.call('GET', '/api/root');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ level: 'kabupaten', code: '1673', name: 'Kota Lubuklinggau' });
  });

  it('drills down to a kecamatan and a kelurahan, with the parent chain', async () => {
    const kec = await t.call('GET', `/api/areas/${KEC}`, { token: display });
    expect(kec.body).toMatchObject({
      area: { level: 'kecamatan', code: KEC, tpsReported: 1 },
      parents: [{ level: 'kabupaten', code: '1673', name: 'Kota Lubuklinggau' }],
      childLevel: 'kelurahan',
    });
    const kel = await t.call('GET', `/api/areas/${KEL}`, { token: display });
    expect(kel.body).toMatchObject({
      area: { level: 'kelurahan', code: KEL, tpsReported: 1 },
      parents: [{ code: '1673' }, { code: KEC }],
      childLevel: 'tps',
      children: [],
      childrenTotal: 0,
      nextCursor: null,
    });
    const legacy = await t.call('GET', `/api/kelurahan/${KEL}`, { token: display });
    expect(kel.body.area.validVotes).toBe(legacy.body.validVotes);
  });

  it('pages children with limit and an opaque cursor, to the end', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const r = await t.call('GET', `/api/areas/${KEC}?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: display });
      expect(r.status).toBe(200);
      expect(r.body.children.length).toBeLessThanOrEqual(3);
      seen.push(...r.body.children.map((c: { code: string }) => c.code));
      cursor = r.body.nextCursor;
      if (!cursor) break;
    }
    const all = await t.call('GET', `/api/areas/${KEC}`, { token: display });
    expect(seen).toEqual(all.body.children.map((c: { code: string }) => c.code));
    expect(seen.length).toBe(all.body.childrenTotal);
  });

  it('pages the TPS of any area in id order', async () => {
    const first = await t.call('GET', `/api/areas/${KEC}/tps?limit=5`, { token: operator });
    expect(first.status).toBe(200);
    expect(first.body.tps).toHaveLength(5);
    const second = await t.call('GET', `/api/areas/${KEC}/tps?limit=5&cursor=${first.body.nextCursor}`, { token: operator });
    const ids = [...first.body.tps, ...second.body.tps].map((x: { id: string }) => x.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(10);
    const city = await t.call('GET', `/api/areas/1673/tps?limit=500`, { token: display });
    expect(city.body.total).toBe(635);
    const rest = await t.call('GET', `/api/areas/1673/tps?limit=500&cursor=${city.body.nextCursor}`, { token: display });
    expect([city.body.tps.length, rest.body.tps.length, rest.body.nextCursor]).toEqual([500, 135, null]);
    const reported = await t.call('GET', `/api/areas/1673/tps?status=reported`, { token: display });
    expect(reported.body).toMatchObject({ total: 1, nextCursor: null, tps: [expect.objectContaining({ id: TPS, state: 'reported' })] });
    const idle = await t.call('GET', `/api/areas/${KEL}/tps?status=no_officer`, { token: display });
    expect(idle.body.tps.map((x: { id: string }) => x.id)).not.toContain(TPS);
    expect(idle.body.total).toBe(idle.body.tps.length);
  });

  it('refuses malformed codes, limits and cursors (400, by field) and unknown areas (404)', async () => {
    const bad = async (path: string) => (await t.call('GET', path, { token: display })).body;
    expect((await t.call('GET', '/api/areas/12345', { token: display })).status).toBe(400);
    expect(await bad('/api/areas/12345')).toMatchObject({ code: 'REQUEST.INVALID', fields: [{ path: 'code' }] });
    expect(await bad('/api/areas/1673?limit=0')).toMatchObject({ fields: [{ path: 'limit' }] });
    expect(await bad('/api/areas/1673?limit=501')).toMatchObject({ fields: [{ path: 'limit' }] });
    expect(await bad('/api/areas/1673?cursor=!!')).toMatchObject({ fields: [{ path: 'cursor' }] });
    expect(await bad('/api/areas/1673?cursor=bm90LWEtY29kZQ')).toMatchObject({ fields: [{ path: 'cursor' }] });
    expect(await bad(`/api/areas/${KEC}/tps?limit=x`)).toMatchObject({ fields: [{ path: 'limit' }] });
    expect(await bad(`/api/areas/${KEC}/tps?status=nope`)).toMatchObject({ fields: [{ path: 'status' }] });
    for (const code of ['1674', '16', '167399', '1673999999']) {
      const r = await t.call('GET', `/api/areas/${code}`, { token: display });
      expect([r.status, r.body.code]).toEqual([404, 'AREA.NOT_FOUND']);
    }
    expect((await t.call('GET', '/api/areas/1674/tps', { token: display })).status).toBe(404);
    expect((await t.call('GET', '/api/areas')).status).toBe(401);
  });

  it('keeps the city lists whole and unpaged without paging parameters, and pages them on request', async () => {
    const kel = await t.call('GET', '/api/kelurahan', { token: display });
    expect([kel.body.length, kel.headers.get('link'), kel.headers.get('x-next-cursor')]).toEqual([72, null, null]);
    const tps = await t.call('GET', '/api/tps', { token: display });
    expect([tps.body.length, tps.headers.get('link')]).toEqual([635, null]);
    const page = await t.call('GET', '/api/kelurahan?limit=50', { token: display });
    expect(page.body).toHaveLength(50);
    expect(page.headers.get('link')).toMatch(/^<\/api\/kelurahan\?limit=50&cursor=[A-Za-z0-9_-]+>; rel="next"$/);
    const rest = await t.call('GET', `/api/kelurahan?limit=50&cursor=${page.headers.get('x-next-cursor')}`, { token: display });
    expect([...page.body, ...rest.body].map((k: { code: string }) => k.code)).toEqual(kel.body.map((k: { code: string }) => k.code));
    expect(rest.headers.get('link')).toBeNull();
    expect((await t.call('GET', '/api/tps?cursor=zz', { token: display })).body).toMatchObject({ fields: [{ path: 'cursor' }] });
  });
});
