/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser: the DOM types describe it.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { goodTally, startTestApp, type TestApp } from './support/app.js';
import { comparePositionStrings } from '../src/live/live.contract.js';
import {
  ARTIFACTS_DIR,
  BOUNDARIES_FILE,
  REPO_ROOT,
  SocketSwitch,
  describeInChromium,
  launchChromium,
  signIn,
  textOf,
  waitForAttr,
  waitForText,
  type LaunchedBrowser,
} from './support/browser.js';

const hasBoundaries = existsSync(BOUNDARIES_FILE);
const fmt = new Intl.NumberFormat('id-ID');
const ULAK_LEBAR = '1673061002';

/** A point inside Ulak Lebar for check-ins: its centroid from the boundary file, else the city centre. */
function ulakLebarPoint(): { lat: number; lon: number } {
  if (!hasBoundaries) return { lat: -3.2967, lon: 102.8617 };
  const fc = JSON.parse(readFileSync(BOUNDARIES_FILE, 'utf8')) as {
    features: { properties: { code: string; centroid_lat: number; centroid_lon: number } }[];
  };
  const p = fc.features.find((f) => f.properties.code === ULAK_LEBAR)!.properties;
  return { lat: p.centroid_lat, lon: p.centroid_lon };
}

describeInChromium('posko wall in Chromium', () => {
  let t: TestApp;
  let launched: LaunchedBrowser;
  let page: Page;
  let operator: string;
  const sockets = new SocketSwitch();
  const officers = new Map<string, string>();
  const officer = async (id: string) => officers.get(id) ?? officers.set(id, await t.login(id, '123456')).get(id)!;

  async function report(id: string, votes = { '01': 60, '02': 80, '03': 35 }, at = ulakLebarPoint()) {
    const token = await officer(id);
    await t.call('POST', `/api/tps/${id}/check-in`, {
      token,
      body: { location: { lat: at.lat + (Number(id.slice(-2)) % 7) * 0.0004, lon: at.lon, accuracyM: 10 } },
    });
    const r = await t.call('POST', `/api/tps/${id}/tally`, { token, body: goodTally({ votes }) });
    expect(r.status).toBe(201);
    return r.body.position as string;
  }

  beforeAll(async () => {
    if (!existsSync(join(REPO_ROOT, 'dashboard/dist/index.html'))) {
      throw new Error('the dashboard is not built: run `npm run build -w dashboard` first (the root `npm test` does)');
    }
    if (!hasBoundaries) console.log(`no boundary file at ${BOUNDARIES_FILE}: the map tests run against the schematic grid`);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    t = await startTestApp(hasBoundaries ? { MAP_BOUNDARIES: BOUNDARIES_FILE } : {}, 'wall');
    operator = await t.login('operator', 'operator123');
    launched = await launchChromium();
    page = await launched.context.newPage();
    // Every wait below is bounded well inside jest's own limit, so a failure names what never appeared.
    page.setDefaultTimeout(20_000);
    await sockets.install(page);
  });
  afterAll(async () => {
    await launched?.close();
    await t?.close();
  });

  it('asks for a sign-in, refuses a wrong PIN in Indonesian, then shows the wall with the map', async () => {
    await page.goto(`${t.url}/`);
    await page.waitForURL(`${t.url}/masuk`);
    await signIn(page, 'display', 'salah-pin');
    await waitForText(page, 'signin-error', 'NIP/nama pengguna atau PIN salah.');
    await signIn(page, `${ULAK_LEBAR}012`, '123456');
    await waitForText(page, 'signin-error', 'Akun petugas TPS tidak dapat membuka layar posko. Gunakan akun posko atau layar.');
    await signIn(page, 'display', 'display123');
    await page.waitForURL(`${t.url}/`);
    await waitForText(page, 'tps-reported', '0 / 635');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('id');
    await waitForAttr(page, 'map', 'data-mode', hasBoundaries ? 'geo' : 'schematic');
    expect(await page.locator('[data-testid="map"] [data-testid^="kelurahan-"]').count()).toBe(72);
    expect(await textOf(page, 'estimate-note')).toContain('Perkiraan hitung cepat tampil setelah 30 TPS melapor');
    if (hasBoundaries) {
      const file = await fetch(`${t.url}/api/map/boundaries`, { headers: { authorization: `Bearer ${operator}` } });
      expect([file.status, file.headers.get('content-type')]).toEqual([200, 'application/geo+json']);
    }
  });

  it('tallies and incidents written through the API change the numbers, the map and the feed without a reload', async () => {
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    const ids = [1, 2, 3].map((n) => `${ULAK_LEBAR}00${n}`);
    for (const id of ids) await report(id);
    await waitForText(page, 'tps-reported', '3 / 635');
    await waitForText(page, 'candidate-votes-01', `${fmt.format(180)} suara`);
    await waitForText(page, 'candidate-votes-02', `${fmt.format(240)} suara`);
    await waitForText(page, 'valid-votes', fmt.format(525));
    await waitForAttr(page, `kelurahan-${ULAK_LEBAR}`, 'data-reported', '3');
    if (hasBoundaries) await waitForAttr(page, `tps-marker-${ids[0]}`, 'data-state', 'reported');
    else await waitForAttr(page, `tps-dot-${ids[0]}`, 'data-state', 'reported');

    const inc = await t.call('POST', `/api/tps/${ULAK_LEBAR}004/incidents`, {
      token: operator,
      body: { category: 'fire', severity: 'critical', description: 'Kebakaran kecil di dekat TPS', location: ulakLebarPoint() },
    });
    expect(inc.status).toBe(201);
    const item = `incident-${inc.body.incidentId}`;
    await waitForAttr(page, item, 'data-status', 'open');
    expect(await page.locator(`[data-testid="${item}"]`).getAttribute('data-highlight')).toBe('true');
    await waitForText(page, 'open-incidents', '1');
    if (hasBoundaries) await page.locator(`[data-testid="incident-marker-${inc.body.incidentId}"]`).waitFor();
    await t.call('POST', `/api/incidents/${inc.body.incidentId}/resolve`, { token: operator, body: { note: 'api sudah dipadamkan' } });
    await waitForAttr(page, item, 'data-status', 'resolved');
    expect(await page.locator(`[data-testid="${item}"]`).getAttribute('data-highlight')).toBe('false');
    await waitForText(page, 'open-incidents', '0');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  });

  it('keeps an open critical incident above newer ones in the feed, and orders by server time, not the phone clock', async () => {
    const post = (tps: string, body: Record<string, unknown>) =>
      t.call('POST', `/api/tps/${tps}/incidents`, {
        token: operator,
        body: { category: 'logistics', description: 'Laporan insiden', ...body },
      });
    // Reported first, and dated six hours back by its phone: still on top while open.
    const critical = await post(`${ULAK_LEBAR}005`, {
      category: 'security',
      severity: 'critical',
      at: new Date(Date.now() - 6 * 3600_000).toISOString(),
    });
    const later = await post(`${ULAK_LEBAR}006`, { severity: 'low' });
    expect([critical.status, later.status]).toEqual([201, 201]);
    const [c, l] = [`incident-${critical.body.incidentId}`, `incident-${later.body.incidentId}`];
    await page.locator(`[data-testid="${l}"]`).waitFor();
    const order = () =>
      page.locator('[data-testid="incident-feed"] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect((await order()).slice(0, 2)).toEqual([c, l]);
    for (const id of [critical.body.incidentId, later.body.incidentId]) {
      await t.call('POST', `/api/incidents/${id}/resolve`, { token: operator, body: { note: 'sudah ditangani' } });
    }
    await waitForAttr(page, c, 'data-status', 'resolved');
    await waitForAttr(page, l, 'data-status', 'resolved');
    // Resolved, the critical one falls back to its place by server time: below the later report.
    expect((await order()).slice(0, 2)).toEqual([l, c]);
    await waitForText(page, 'open-incidents', '0');
  });

  it('shows the warning while the live socket is cut and ends on the right numbers once it is back', async () => {
    await sockets.cut();
    let summary: { tpsReported: number; candidates: { number: string; votes: number }[] };
    try {
      await page.locator('[data-testid="conn-warning"][data-status="down"]').waitFor();
      expect(await textOf(page, 'conn-warning')).toContain('Koneksi langsung terputus');
      let last = '';
      for (const n of [5, 6, 7, 8, 9]) last = await report(`${ULAK_LEBAR}00${n}`, { '01': 10 * n, '02': 130 - 10 * n, '03': 45 });
      summary = (await t.call('GET', `/api/summary?minPosition=${encodeURIComponent(last)}`, { token: operator })).body;
      // Cut off, the screen cannot have moved: it still shows the last numbers it had.
      expect(await textOf(page, 'tps-reported')).toBe('3 / 635');
      await page.locator('[data-testid="conn-warning"]').waitFor();
    } finally {
      // Restored even when a check above fails, so the tests after this one still get a live page.
      sockets.restore();
    }
    await page.locator('[data-testid="conn-warning"]').waitFor({ state: 'detached' });
    await waitForText(page, 'tps-reported', `${summary.tpsReported} / 635`);
    for (const c of summary.candidates) {
      await waitForText(page, `candidate-votes-${c.number}`, `${fmt.format(c.votes)} suara`);
    }
    await waitForAttr(page, `kelurahan-${ULAK_LEBAR}`, 'data-reported', '8');
  });

  it('keeps up under a burst of writes and ends equal to the read API (screenshots saved)', async () => {
    const ids = (await t.call('GET', '/api/tps?status=no_officer', { token: operator })).body
      .map((v: { id: string }) => v.id)
      .slice(0, 120) as string[];
    const positions: string[] = [];
    for (let i = 0; i < ids.length; i += 30) {
      const written = await Promise.all(
        ids
          .slice(i, i + 30)
          .map((id, j) => report(id, { '01': 50 + j, '02': 90 - j, '03': 35 }, { lat: -3.2967 + j * 0.002, lon: 102.8617 - i * 0.0005 })),
      );
      positions.push(...written);
      if (i === 60) await page.screenshot({ path: join(ARTIFACTS_DIR, 'wall-under-load-1920x1080.png') });
    }
    // The read API as of every write above (positions are totally ordered; the highest covers them all).
    const last = positions.sort(comparePositionStrings).at(-1)!;
    const summary = (await t.call('GET', `/api/summary?minPosition=${encodeURIComponent(last)}`, { token: operator })).body;
    await waitForText(page, 'tps-reported', `${summary.tpsReported} / 635`);
    await waitForText(page, 'valid-votes', fmt.format(summary.validVotes));
    expect(summary.estimate.shown).toBe(true);
    await page.locator('[data-testid="estimate-01"]').waitFor();
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'wall-after-load-1920x1080.png') });

    await page.setViewportSize({ width: 1366, height: 768 });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'wall-1366x768.png') });
    const fits = await page.evaluate(() => {
      const inside = (id: string) => {
        const r = document.querySelector(`[data-testid="${id}"]`)!.getBoundingClientRect();
        return r.right <= innerWidth && r.bottom <= innerHeight && r.width > 0;
      };
      return {
        scroll: document.documentElement.scrollWidth <= innerWidth,
        parts: ['candidates', 'progress', 'map', 'incident-feed', 'clock'].filter((p) => !inside(p)),
      };
    });
    expect(fits).toEqual({ scroll: true, parts: [] });
    await page.setViewportSize({ width: 1920, height: 1080 });
  }, 150_000);

  it('opens a kelurahan from the map and from its URL, listing its TPS with state and tally', async () => {
    await page.locator(`[data-testid="map"] [data-testid="kelurahan-${ULAK_LEBAR}"]`).dispatchEvent('click');
    await page.waitForURL(`${t.url}/kelurahan/${ULAK_LEBAR}`);
    await page.locator('[data-testid="kelurahan-view"]').waitFor();
    expect(await page.locator('[data-testid^="tps-row-"]').count()).toBe(15);
    expect(await page.locator(`[data-testid="tps-row-${ULAK_LEBAR}001"]`).getAttribute('data-state')).toBe('reported');
    expect(await page.locator(`[data-testid="tps-row-${ULAK_LEBAR}001"]`).innerText()).toContain('Sudah melapor');
    expect(await textOf(page, 'kel-reported')).toBe('8 / 15');

    await page.goto(`${t.url}/kelurahan/1673011001`);
    await page.locator('[data-testid="kelurahan-view"]').waitFor();
    await page.getByText('Kelurahan Air Kuti').waitFor();
  });

  it('without a boundary file draws the 72 kelurahan as a schematic grid by kecamatan', async () => {
    const plain = await startTestApp({}, 'wallgrid');
    try {
      const p = await launched.context.newPage();
      await p.goto(`${plain.url}/masuk`);
      await signIn(p, 'display', 'display123');
      await waitForAttr(p, 'map', 'data-mode', 'schematic');
      expect(await p.locator('[data-testid="schematic-map"] [data-testid^="kelurahan-"]').count()).toBe(72);
      expect(await p.locator('[data-testid="schematic-map"] h3').count()).toBe(8);
      for (const size of [
        { width: 1920, height: 1080 },
        { width: 1366, height: 768 },
      ]) {
        await p.setViewportSize(size);
        const clipped = await p.evaluate(() => {
          const box = document.querySelector('[data-testid="schematic-map"]')!.getBoundingClientRect();
          const tiles = [...document.querySelectorAll('[data-testid="schematic-map"] [data-testid^="kelurahan-"]')];
          return tiles.filter((e) => e.getBoundingClientRect().bottom > box.bottom + 1).map((e) => e.getAttribute('data-testid'));
        });
        expect({ size, clipped }).toEqual({ size, clipped: [] });
      }
      await p.setViewportSize({ width: 1920, height: 1080 });
      await p.screenshot({ path: join(ARTIFACTS_DIR, 'wall-schematic-1920x1080.png') });
      await p.close();
    } finally {
      await plain.close();
    }
    // A second app and page on a loaded machine: a generous bound, it only guards against a hang.
  }, 180_000);
  // Last: the fake clock stays installed on the browser context.
  it('refreshes the token before it expires, so the wall never asks to sign in again', async () => {
    const before = await page.evaluate(() => localStorage.getItem('sipantaumilu.session'));
    await page.clock.install();
    await page.goto(`${t.url}/`);
    await waitForText(page, 'tps-reported', /\d+ \/ 635/);
    await page.clock.fastForward('11:00:00');
    await page.waitForFunction((old) => localStorage.getItem('sipantaumilu.session') !== old, before);
    expect(page.url()).toBe(`${t.url}/`);
    expect(await page.locator('[data-testid="wall"]').count()).toBe(1);
  });
});
