/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser: the DOM types describe it.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { goodTally, OFFICER_PIN, startTestApp, type TestApp } from './support/app.js';
import {
  ARTIFACTS_DIR,
  SocketSwitch,
  BOUNDARIES_FILE,
  REPO_ROOT,
  describeInChromium,
  launchChromium,
  signIn,
  waitForAttr,
  waitForText,
  type LaunchedBrowser,
} from './support/browser.js';
import { syntheticNationCsv, type NationShape } from '../src/reference/synthetic-nation.js';

/**
 * A few provinces, each level with several children: enough to walk every level, small enough to boot quickly, and
 * enough TPS (4,000) that a first load carrying every TPS would be over 1 MB.
 */
const NATION: NationShape = { provinsi: 3, kabupaten: 6, kecamatan: 24, kelurahan: 200, tps: 4000 };
const MB = 1_000_000;
const fmt = (n: number) => new Intl.NumberFormat('id-ID').format(n);

interface AreaNode {
  level: string;
  code: string;
  name: string;
  tpsReported: number;
  tpsTotal: number;
}
interface AreaView {
  area: AreaNode;
  parents: AreaNode[];
  childLevel: string;
  children: AreaNode[];
  childrenTotal: number;
  position: string | null;
}

/** What the wall shows of one area, as a test reads it from the API (at least as new as `minPosition`). */
async function areaOf(t: TestApp, token: string, code: string | null, minPosition?: string): Promise<AreaView> {
  const q = minPosition ? `?minPosition=${encodeURIComponent(minPosition)}` : '';
  const r = await t.call('GET', `/api/areas${code === null ? '' : `/${code}`}${q}`, { token });
  if (r.status !== 200) throw new Error(`GET /api/areas/${code ?? ''}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as AreaView;
}

/** The wall shows `view`: its level, its counts, and one tile per child with the child's counts. */
async function expectWallShows(page: Page, view: AreaView, tileOf = (c: AreaNode) => `${c.level}-${c.code}`): Promise<void> {
  await waitForAttr(page, 'wall', 'data-code', view.area.code);
  await waitForText(page, 'tps-reported', `${fmt(view.area.tpsReported)} / ${fmt(view.area.tpsTotal)}`);
  for (const c of view.children) {
    await waitForAttr(page, tileOf(c), 'data-reported', String(c.tpsReported));
    expect(await page.locator(`[data-testid="${tileOf(c)}"]`).getAttribute('data-total')).toBe(String(c.tpsTotal));
  }
  expect(await page.locator('[data-testid="map"] [data-testid^="' + view.childLevel + '-"]').count()).toBe(view.children.length);
}

/** Check-in and a first tally at a TPS, as its officer; the log position of the tally. */
async function report(t: TestApp, tpsId: string, votes = { '01': 60, '02': 80, '03': 35 }): Promise<string> {
  const token = await t.login(tpsId, OFFICER_PIN);
  await t.call('POST', `/api/tps/${tpsId}/check-in`, { token, body: { location: { lat: -3.3, lon: 102.86, accuracyM: 10 } } });
  const r = await t.call('POST', `/api/tps/${tpsId}/tally`, { token, body: goodTally({ votes }) });
  if (r.status !== 201) throw new Error(`tally at ${tpsId}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.position as string;
}

/** Bytes the page received: HTTP responses (headers and body as transferred) and WebSocket frames. */
function countBytes(page: Page): () => Promise<{ http: number; ws: number; responses: number }> {
  const sizes: Promise<number>[] = [];
  let ws = 0;
  page.on('requestfinished', (req) => {
    sizes.push(
      req.sizes().then(
        (s) => s.responseBodySize + s.responseHeadersSize,
        () => 0,
      ),
    );
  });
  page.on('websocket', (socket) => socket.on('framereceived', (f) => (ws += Buffer.byteLength(f.payload))));
  return async () => {
    const all = await Promise.all(sizes);
    return { http: all.reduce((a, b) => a + b, 0), ws, responses: all.length };
  };
}

describeInChromium('wall drill-down in Chromium', () => {
  let launched: LaunchedBrowser;

  beforeAll(async () => {
    if (!existsSync(join(REPO_ROOT, 'dashboard/dist/index.html'))) {
      throw new Error('the dashboard is not built: run `npm run build -w dashboard` first (the root `npm test` does)');
    }
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    launched = await launchChromium();
  });
  afterAll(async () => {
    await launched?.close();
  });

  describe('on a small synthetic nation', () => {
    let t: TestApp;
    let dir: string;
    let operator: string;
    let page: Page;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'sp-drill-'));
      const file = join(dir, 'nation.csv');
      writeFileSync(file, [...syntheticNationCsv(NATION)].join('\n') + '\n');
      t = await startTestApp({ REFERENCE_FILE: file }, 'drill');
      operator = await t.login('operator', 'operator123');
      page = await launched.newPage();
    });
    afterAll(async () => {
      await page?.close();
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('loads the national root in at most 1 MB, titled Indonesia, with one tile per province', async () => {
      // The night has begun: one TPS reported (an empty log has no position to start the live socket from).
      const somewhere = [...syntheticNationCsv(NATION)]
        .slice(1)
        .find((l) => l.startsWith('98,'))!
        .split(',')[4];
      await report(t, `${somewhere}001`);
      await page.goto(`${t.url}/masuk`);
      // Before anyone signed in on this browser: the page names the root from the public GET /api/root.
      await waitForText(page, 'signin-area', 'Posko Pemantauan Pemilu · Indonesia');
      await signIn(page, 'display', 'display123');
      await page.waitForURL(`${t.url}/`);
      await page.locator('[data-testid="wall"][data-level="nation"]').waitFor();
      // The first load: a browser with an empty cache and this session, counted from the document to the live
      // socket's resume.
      const session = await page.evaluate(() => localStorage.getItem('sipantaumilu.session'));
      const cold = await launchChromium();
      const fresh = await cold.newPage();
      await fresh.addInitScript((s) => localStorage.setItem('sipantaumilu.session', s ?? ''), session);
      const bytes = countBytes(fresh);
      await fresh.goto(`${t.url}/`);
      const root = await areaOf(t, operator, null);
      expect([root.area.level, root.area.name, root.childLevel, root.children.length]).toEqual([
        'nation',
        'Indonesia',
        'provinsi',
        NATION.provinsi,
      ]);
      await expectWallShows(fresh, root);
      // Counted once the live socket has resumed (its answer is part of the first load).
      await fresh.locator('[data-testid="wall"][data-live="live"]').waitFor();
      expect(await fresh.locator('header').innerText()).toContain('Posko Pemantauan Pemilu · Indonesia');
      await fresh.screenshot({ path: join(ARTIFACTS_DIR, 'drill-nation-1920x1080.png') });
      const got = await bytes();
      console.log(
        `first load of the national root (${NATION.tps} TPS): ${got.http} B over ${got.responses} HTTP responses + ${got.ws} B of WebSocket frames`,
      );
      await cold.close();
      expect(got.http + got.ws).toBeLessThanOrEqual(MB);
    });

    it('loads every level below the root in at most 1 MB too', async () => {
      const session = await page.evaluate(() => localStorage.getItem('sipantaumilu.session'));
      const kel = [...syntheticNationCsv(NATION)][1].split(',')[4];
      const sizes: Record<string, number> = {};
      for (const code of [kel.slice(0, 2), kel.slice(0, 4), kel.slice(0, 6), kel, `${kel}001`]) {
        const cold = await launchChromium();
        try {
          const fresh = await cold.newPage();
          await fresh.addInitScript((s) => localStorage.setItem('sipantaumilu.session', s ?? ''), session);
          const bytes = countBytes(fresh);
          await fresh.goto(`${t.url}/wilayah/${code}`);
          await fresh.locator(`[data-testid="wall"][data-code="${code}"][data-live="live"]`).waitFor();
          await fresh.locator('[data-testid="tps-reported"]').waitFor();
          const got = await bytes();
          sizes[code] = got.http + got.ws;
        } finally {
          await cold.close();
        }
      }
      console.log(`first load per level (bytes, HTTP + WebSocket): ${JSON.stringify(sizes)}`);
      expect(Object.entries(sizes).filter(([, n]) => n > MB)).toEqual([]);
    }, 120_000);

    it('drills nation > provinsi > kabupaten > kecamatan > kelurahan > TPS with the API counts, and back by the breadcrumbs', async () => {
      // Some numbers to show: a few TPS of the first kelurahan report.
      const first = [...syntheticNationCsv(NATION)][1].split(',');
      const kel = first[4];
      let last = '';
      for (const n of [1, 2]) last = await report(t, `${kel}${String(n).padStart(3, '0')}`);
      const chain: AreaView[] = [await areaOf(t, operator, null, last)];
      for (const code of [kel.slice(0, 2), kel.slice(0, 4), kel.slice(0, 6), kel]) chain.push(await areaOf(t, operator, code, last));
      expect(chain.map((v) => v.area.level)).toEqual(['nation', 'provinsi', 'kabupaten', 'kecamatan', 'kelurahan']);

      await page.goto(`${t.url}/`);
      await expectWallShows(page, chain[0]);
      for (const view of chain.slice(1)) {
        // Down by a click on the child's tile.
        await page.locator(`[data-testid="map"] [data-testid="${view.area.level}-${view.area.code}"]`).click();
        await page.waitForURL(`${t.url}/wilayah/${view.area.code}`);
        if (view.childLevel === 'tps') {
          await waitForAttr(page, 'wall', 'data-code', view.area.code);
          await waitForText(page, 'tps-reported', `${fmt(view.area.tpsReported)} / ${fmt(view.area.tpsTotal)}`);
          const tiles = page.locator('[data-testid="map"] [data-testid^="tps-tile-"]');
          await tiles.nth(view.area.tpsTotal - 1).waitFor();
          expect(await tiles.count()).toBe(view.area.tpsTotal);
        } else await expectWallShows(page, view);
        // The trail names every area above, root first.
        const crumbs = await page.locator('[data-testid="breadcrumbs"] li').allInnerTexts();
        expect(crumbs.length).toBe(view.parents.length + 1);
        expect(crumbs.slice(0, -1)).toEqual(view.parents.map((p) => p.name));
        expect(crumbs.at(-1)).toContain(view.area.name);
      }
      await page.screenshot({ path: join(ARTIFACTS_DIR, 'drill-kelurahan-1920x1080.png') });
      const tps = `${kel}001`;
      await waitForAttr(page, `tps-tile-${tps}`, 'data-state', 'reported');
      await page.locator(`[data-testid="tps-tile-${tps}"]`).click();
      await page.waitForURL(`${t.url}/wilayah/${tps}`);
      await waitForAttr(page, 'tps-panel', 'data-state', 'reported');
      await waitForText(page, 'tps-reported', '1 / 1');
      await waitForText(page, 'tps-votes-PPWP-01', '60');
      await page.screenshot({ path: join(ARTIFACTS_DIR, 'drill-tps-1920x1080.png') });

      // Up: the kabupaten by its crumb, one level by "back", the root by its crumb.
      await page.locator('[data-testid="crumb-kabupaten"]').click();
      await page.waitForURL(`${t.url}/wilayah/${kel.slice(0, 4)}`);
      await expectWallShows(page, chain[2]);
      await page.locator('[data-testid="crumb-back"]').click();
      await page.waitForURL(`${t.url}/wilayah/${kel.slice(0, 2)}`);
      await expectWallShows(page, chain[1]);
      await page.locator('[data-testid="crumb-nation"]').click();
      await page.waitForURL(`${t.url}/`);
      await expectWallShows(page, chain[0]);
      // The browser's own back works too: the URL names the area.
      await page.goBack();
      await page.waitForURL(`${t.url}/wilayah/${kel.slice(0, 2)}`);
      await expectWallShows(page, chain[1]);
    }, 120_000);

    it('keeps a province current without a reload when a tally is submitted there', async () => {
      const prov = (await areaOf(t, operator, null)).children[0].code;
      await page.goto(`${t.url}/wilayah/${prov}`);
      const before = await areaOf(t, operator, prov);
      await expectWallShows(page, before);
      await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
      // A TPS of this province that has not reported: the first TPS of its last kelurahan.
      const rows = [...syntheticNationCsv(NATION)].slice(1).map((l) => l.split(','));
      const kel = rows.filter((r) => r[0] === prov).at(-1)![4];
      const position = await report(t, `${kel}001`, { '01': 10, '02': 20, '03': 145 });
      const after = await areaOf(t, operator, prov, position);
      expect(after.area.tpsReported).toBe(before.area.tpsReported + 1);
      await expectWallShows(page, after);
      await waitForText(page, 'valid-votes', fmt((after.area as unknown as { validVotes: number }).validVotes));
      expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS_DIR, 'drill-provinsi-live-1920x1080.png') });
    }, 60_000);
  });

  describe('on the city (root Kota Lubuklinggau)', () => {
    const hasBoundaries = existsSync(BOUNDARIES_FILE);
    let t: TestApp;
    let operator: string;
    let page: Page;
    const sockets = new SocketSwitch();
    const KEC = '167306';
    const ULAK_LEBAR = '1673061002';
    const AIR_KUTI = '1673011001';

    beforeAll(async () => {
      if (!hasBoundaries) console.log(`no boundary file at ${BOUNDARIES_FILE}: the kecamatan level is drawn as the schematic grid`);
      t = await startTestApp(hasBoundaries ? { MAP_BOUNDARIES: BOUNDARIES_FILE } : {}, 'drillcity');
      operator = await t.login('operator', 'operator123');
      page = await launched.newPage();
      await sockets.install(page);
    });
    afterAll(async () => {
      await page?.close();
      await t?.close();
    });

    it('drills from the city wall into a kecamatan and a kelurahan, and back up to the city', async () => {
      const last = await report(t, `${ULAK_LEBAR}001`);
      await page.goto(`${t.url}/masuk`);
      await waitForText(page, 'signin-area', 'Posko Pemantauan Pemilu · Kota Lubuklinggau');
      await page.screenshot({ path: join(ARTIFACTS_DIR, 'drill-city-signin-1920x1080.png') });
      await signIn(page, 'display', 'display123');
      await page.waitForURL(`${t.url}/`);
      // The city's wall as it always was: all 72 kelurahan on the map, titled by the city.
      await waitForText(page, 'tps-reported', '1 / 635');
      await waitForAttr(page, 'map', 'data-mode', hasBoundaries ? 'geo' : 'schematic');
      expect(await page.locator('[data-testid="map"] [data-testid^="kelurahan-"]').count()).toBe(72);
      expect(await page.locator('header').innerText()).toContain('Posko Pemantauan Pemilu · Kota Lubuklinggau');
      await page.screenshot({ path: join(ARTIFACTS_DIR, 'drill-city-root-1920x1080.png') });

      const kec = await areaOf(t, operator, KEC, last);
      expect([kec.area.level, kec.childLevel, kec.parents.map((p) => p.code)]).toEqual(['kecamatan', 'kelurahan', ['1673']]);
      await waitForAttr(page, `chip-${KEC}`, 'data-reported', String(kec.area.tpsReported));
      await page.locator(`[data-testid="chip-${KEC}"]`).click();
      await page.waitForURL(`${t.url}/wilayah/${KEC}`);
      await waitForAttr(page, 'map', 'data-mode', hasBoundaries ? 'geo' : 'schematic');
      await expectWallShows(page, kec, (c) => `kelurahan-${c.code}`);
      await page.screenshot({ path: join(ARTIFACTS_DIR, 'drill-city-kecamatan-1920x1080.png') });

      // A report while the socket is cut: once it is back, the kecamatan and its kelurahan show it.
      await sockets.cut();
      let later: string;
      try {
        await page.locator('[data-testid="conn-warning"][data-status="down"]').waitFor();
        later = await report(t, `${ULAK_LEBAR}002`);
      } finally {
        sockets.restore();
      }
      await page.locator('[data-testid="conn-warning"]').waitFor({ state: 'detached' });
      const kecLater = await areaOf(t, operator, KEC, later);
      expect(kecLater.area.tpsReported).toBe(kec.area.tpsReported + 1);
      await expectWallShows(page, kecLater, (c) => `kelurahan-${c.code}`);

      const kel = await areaOf(t, operator, ULAK_LEBAR, later);
      await page.locator(`[data-testid="map"] [data-testid="kelurahan-${ULAK_LEBAR}"]`).dispatchEvent('click');
      await page.waitForURL(`${t.url}/wilayah/${ULAK_LEBAR}`);
      await waitForText(page, 'tps-reported', `${fmt(kel.area.tpsReported)} / ${fmt(kel.area.tpsTotal)}`);
      await page.locator('[data-testid="map"] [data-testid^="tps-tile-"]').nth(14).waitFor();
      expect(await page.locator('[data-testid="map"] [data-testid^="tps-tile-"]').count()).toBe(15);
      await waitForAttr(page, `tps-tile-${ULAK_LEBAR}001`, 'data-state', 'reported');
      expect(await page.locator('[data-testid="breadcrumbs"] li').allInnerTexts()).toEqual([
        'Kota Lubuklinggau',
        kec.area.name,
        expect.stringContaining(kel.area.name),
      ]);
      // Meanwhile a TPS of another kecamatan reports: the socket follows Ulak Lebar only, so its news does not arrive.
      await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
      const elsewhere = `${AIR_KUTI}001`;
      await report(t, elsewhere);
      // Up to the root only: the city is the first crumb, and it is the city's wall again, with what it missed.
      await page.locator('[data-testid="crumb-kabupaten"]').click();
      await page.waitForURL(`${t.url}/`);
      await waitForText(page, 'tps-reported', '3 / 635');
      await waitForAttr(page, 'map', 'data-mode', hasBoundaries ? 'geo' : 'schematic');
      expect(await page.locator('[data-testid="map"] [data-testid^="kelurahan-"]').count()).toBe(72);
      await waitForAttr(page, `kelurahan-${AIR_KUTI}`, 'data-reported', '1');
      await waitForAttr(page, hasBoundaries ? `tps-marker-${elsewhere}` : `tps-dot-${elsewhere}`, 'data-state', 'reported');
      expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);

      // Nothing above the root: the province of the city is not an area of this deployment; the root's code is `/`.
      await page.goto(`${t.url}/wilayah/16`);
      await waitForText(page, 'area-unknown', 'Wilayah dengan kode 16 tidak ada di Kota Lubuklinggau.');
      await page.goto(`${t.url}/wilayah/1673`);
      await page.waitForURL(`${t.url}/`);
      await waitForText(page, 'tps-reported', '3 / 635');
    }, 90_000);
  });
});
