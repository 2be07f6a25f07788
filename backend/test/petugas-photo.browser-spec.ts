/// <reference lib="dom" />
/**
 * The photo step of the officers' app: a camera picture of a C.Hasil page is resized and recompressed in the browser,
 * queued in the outbox like any report and sent raw to POST /api/tps/{tpsId}/photos?contest=PPWP&page=N (the photo
 * route of docs/photos.md, the real one); the server's history then holds one FormPhotoAttached.
 */
import { mkdirSync } from 'node:fs';
import { startTestApp, type TestApp } from './support/app.js';
import { ARTIFACTS_DIR, describeInChromium } from './support/browser.js';
import { historyTypes, launchPhone, shot, signInOnPhone, waitForOutbox, type Phone } from './petugas-phone.js';

const TPS = '1673061002005';

describeInChromium("officers' app: photos of the C.Hasil pages, and the session refreshing itself", () => {
  let t: TestApp;
  let phone: Phone;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    t = await startTestApp({}, 'petugasfoto');
    phone = await launchPhone();
  });
  afterAll(async () => {
    await phone?.close();
    await t?.close();
  });

  it('resizes a 4000x3000 camera picture to 1600 px JPEG, queues it with its page and the server stores it once', async () => {
    const { page } = phone;
    const sent: { url: string; type: string | null; key: string | null; body: Buffer }[] = [];
    // Watched on its way (and passed on to the server unchanged): a Blob body is readable here, not in a request event.
    await page.route(/\/api\/tps\/\d+\/photos\?/, async (route) => {
      const r = route.request();
      const h = await r.allHeaders();
      sent.push({
        url: r.url(),
        type: h['content-type'] ?? null,
        key: h['idempotency-key'] ?? null,
        body: r.postDataBuffer() ?? Buffer.alloc(0),
      });
      await route.continue();
    });
    await page.goto(`${t.url}/petugas/`);
    await signInOnPhone(page, TPS);
    await page.locator('[data-testid="kelurahan"]').waitFor();
    await page.locator('[data-go="photo"]').tap();

    // A camera-sized picture, drawn in the page (noise, so JPEG cannot shrink it to nothing).
    const original = await page.evaluate(async () => {
      const c = document.createElement('canvas');
      c.width = 4000;
      c.height = 3000;
      const ctx = c.getContext('2d')!;
      const img = ctx.createImageData(4000, 3000);
      for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 2654435761) % 251;
      ctx.putImageData(img, 0, 0);
      const blob = await new Promise<Blob>((res) => c.toBlob((b) => res(b!), 'image/jpeg', 0.95));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    });
    const input = Buffer.from(original, 'base64');
    await page.locator('select[name="page"]').selectOption('1');
    await page.locator('input[name="photo"]').setInputFiles({ name: 'chasil-1.jpg', mimeType: 'image/jpeg', buffer: input });
    await page.locator('img.preview').waitFor();
    expect(await page.locator('img.preview').evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([
      1600, 1200,
    ]);
    await shot(page, '15-photo');
    await page.locator('[data-action="photo"]').tap();
    await page.locator('[data-testid="photo-saved"]').waitFor();
    await waitForOutbox(page, 0);
    expect(sent).toHaveLength(1);
    const [s] = sent;
    expect(new URL(s.url).pathname + new URL(s.url).search).toBe(`/api/tps/${TPS}/photos?contest=PPWP&page=1`);
    expect(s.type).toBe('image/jpeg');
    expect(s.key).toMatch(new RegExp(`^${TPS}\\.photo\\.[A-Za-z0-9]+$`));
    expect([s.body[0], s.body[1]]).toEqual([0xff, 0xd8]);
    expect(s.body.length).toBeLessThan(input.length / 4);
    await page.locator('[data-testid="back"]').tap();
    await page.locator('[data-done="foto"]', { hasText: 'halaman 1' }).waitFor();
    expect(await page.locator('[data-rejected]').count()).toBe(0);
    const auditor = await t.login('auditor', 'auditor123');
    expect(await historyTypes(t.url, TPS, auditor)).toEqual(['FormPhotoAttached']);
  });

  it('refreshes its session by itself before it expires (the page clock moved on 9 h 40 min of a 12 h token)', async () => {
    const { page } = phone;
    const read = () =>
      page.evaluate(() => JSON.parse(localStorage.getItem('sipantaumilu.petugas.session') ?? 'null') as { token: string } | null);
    const before = await read();
    expect(before?.token).toBeTruthy();
    // The refresh timer was set at sign-in (80% of 12 h); a fresh install of the fake clock needs a new page load to own it.
    await page.clock.install();
    await page.goto(`${t.url}/petugas/`);
    await page.locator('[data-testid="kelurahan"]').waitFor();
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/auth/refresh') && r.status() === 200);
    await page.clock.fastForward('09:40:00');
    await refreshed;
    await page.waitForFunction(
      (old) => JSON.parse(localStorage.getItem('sipantaumilu.petugas.session') ?? 'null')?.token !== old,
      before!.token,
    );
    expect((await read())?.token).not.toBe(before!.token);
    await page.locator('[data-testid="kelurahan"]').waitFor();
  });
});
