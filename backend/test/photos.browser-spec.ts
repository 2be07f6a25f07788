/// <reference lib="dom" />
/**
 * The C.Hasil photos on the screens, in Chromium: the auditor's TPS timeline (photo at its place, beside the tally's
 * numbers, zoom and rotate), the paper-form list, the kelurahan view's mark and the wall's count.
 */
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { makeFormJpeg, makePng } from '../src/photos/testing/test-images.js';
import { goodTally, startTestApp, type TestApp } from './support/app.js';
import { ARTIFACTS_DIR, describeInChromium, launchChromium, signIn, textOf, waitForText, type LaunchedBrowser } from './support/browser.js';
import { upload } from './support/photos.js';

const A = '1673061002001';
const B = '1673061002002';
const KEL = '1673061002';

/** Waits until the image has loaded real pixels. */
async function imageLoaded(page: Page, testId: string): Promise<number> {
  const img = page.locator(`[data-testid="${testId}"]`);
  await img.waitFor();
  await page.waitForFunction((id) => {
    const el = document.querySelector<HTMLImageElement>(`[data-testid="${id}"]`);
    return !!el && el.complete && el.naturalWidth > 0;
  }, testId);
  return img.evaluate((el) => (el as HTMLImageElement).naturalWidth);
}

describeInChromium('C.Hasil photos on the screens', () => {
  let t: TestApp;
  let dir: string;
  let launched: LaunchedBrowser;
  let page: Page;
  let photoA = '';

  beforeAll(async () => {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    dir = await mkdtemp(join(tmpdir(), 'photos-ui-'));
    t = await startTestApp({ PHOTO_DIR: join(dir, 'photos'), PHOTO_CACHE_DIR: join(dir, 'cache'), PHOTO_SWEEP_MINUTES: '0' }, 'photosui');
    const officerA = await t.login(A, '123456');
    const operator = await t.login('operator', 'operator123');
    const auditor = await t.login('auditor', 'auditor123');
    expect((await t.call('POST', `/api/tps/${A}/tally`, { token: officerA, body: goodTally() })).status).toBe(201);
    const up = await upload(t.url, officerA, A, await makeFormJpeg({ '01': 60, '02': 80, '03': 35 }));
    expect(up.status).toBe(201);
    photoA = up.body.photoId;
    const paper = await t.call('POST', `/api/tps/${A}/paper-forms`, {
      token: auditor,
      body: goodTally({ votes: { '01': 61, '02': 79, '03': 35 } }),
    });
    expect(paper.status).toBe(201);
    const upB = await upload(t.url, operator, B, (await makePng()).bytes, 'contest=PPWP&page=1', 'image/png');
    expect(upB.status).toBe(201);
    expect((await t.call('GET', `/api/summary?minPosition=${upB.body.position}`, { token: operator })).status).toBe(200);
    launched = await launchChromium({ width: 1600, height: 1000 });
    page = await launched.context.newPage();
    page.setDefaultTimeout(20_000);
  });
  afterAll(async () => {
    await launched?.close();
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the photo at its place in the auditor timeline, beside the tally numbers, with zoom and rotate', async () => {
    await page.goto(`${t.url}/masuk`);
    await signIn(page, 'auditor', 'auditor123');
    await page.locator('[data-testid="nav-audit"]').waitFor();
    await page.goto(`${t.url}/audit/tps/${A}`);
    await page.locator('[data-testid="timeline-event-1"][data-type="FormPhotoAttached"]').waitFor();
    const types = await page.locator('[data-testid^="timeline-event-"] .type').allTextContents();
    expect(types).toEqual(['Hasil hitung', 'Foto C.Hasil', 'Formulir kertas']);
    expect(await imageLoaded(page, 'photo-1-thumb')).toBeLessThanOrEqual(320);
    expect(await page.locator('[data-testid="photo-1"]').getAttribute('data-photo')).toBe(photoA);
    expect(await textOf(page, 'photo-tally-1')).toMatch(/^Angka hasil hitung \(rev\. 0\): Paslon 01: 60 ?Paslon 02: 80 ?Paslon 03: 35/);
    expect(await textOf(page, 'photo-tally-1')).toContain('jam kamera 2024-02-14 13:20:00');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'photos-timeline-thumb.png'), fullPage: true });

    await page.locator('[data-testid="photo-1-open"]').click();
    // The medium copy: fitted inside 1280 px.
    expect(await imageLoaded(page, 'photo-1-large')).toBe(Math.round((1240 * 1280) / 1754));
    await page.locator('[data-testid="photo-1-zoom-in"]').click();
    await page.locator('[data-testid="photo-1-rotate"]').click();
    await waitForText(page, 'photo-1-state', '150% · 90°');
    const transform = await page.locator('[data-testid="photo-1-large"]').evaluate((el) => (el as HTMLElement).style.transform);
    expect(transform).toBe('translate(-50%, -50%) rotate(90deg)');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'photos-timeline-zoomed.png'), fullPage: true });
  });

  it('shows the photo beside both readings in the paper-form list', async () => {
    await page.goto(`${t.url}/audit/formulir`);
    await page.locator(`[data-testid="mismatch-${A}"]`).waitFor();
    expect(await imageLoaded(page, `paper-photo-${A}-1-thumb`)).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'photos-paper-forms.png'), fullPage: true });
  });

  it('marks the TPS with photos in the kelurahan view', async () => {
    await page.goto(`${t.url}/kelurahan/${KEL}`);
    await waitForText(page, `tps-photo-${A}`, 'Foto C.Hasil (1)');
    await waitForText(page, `tps-photo-${B}`, 'Foto C.Hasil (1)');
    expect(await page.locator(`[data-testid="tps-photo-1673061002003"]`).count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'photos-kelurahan.png') });
  });

  it('counts TPS with a photo on the wall, live', async () => {
    await page.goto(`${t.url}/`);
    await waitForText(page, 'tps-photos', '2 / 635');
    const officer = await t.login('1673061002003', '123456');
    expect((await upload(t.url, officer, '1673061002003', (await makePng(1000, 700)).bytes, 'page=1', 'image/png')).status).toBe(201);
    await waitForText(page, 'tps-photos', '3 / 635');
    expect(await textOf(page, 'progress')).toContain('foto C.Hasil 3 / 635');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'photos-wall-1600x1000.png') });
  });
});
