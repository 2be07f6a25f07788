/// <reference lib="dom" />
/**
 * The posko's messages in the officers' app, on an emulated phone: a message to the monitor's kelurahan arrives live
 * on the monitors' channel, an urgent one shows on the home screen, opening the list sends the read receipts (the
 * posko's "n of m read" moves), one to another kelurahan never shows, and a message sent while the phone was offline
 * arrives when it is back; the list is still there offline after a reload.
 */
import { mkdirSync } from 'node:fs';
import { startTestApp, type TestApp } from './support/app.js';
import { ARTIFACTS_DIR, describeInChromium } from './support/browser.js';
import { launchPhone, shot, signInOnPhone, type Phone } from './petugas-phone.js';

const KEL = '1673061002'; // Ulak Lebar
const TPS = `${KEL}003`;
const OTHER_KEL = '1673011001'; // Air Kuti

/** The value once `ok` holds, or the last one after 10 s (the receipt reaches the route through the projection). */
async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const end = Date.now() + 10_000;
  let v = await get();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 200));
    v = await get();
  }
  return v;
}

describeInChromium("officers' app: messages from the posko", () => {
  let t: TestApp;
  let phone: Phone;
  let operator: string;

  const send = async (to: Record<string, unknown>, text: string, priority: 'normal' | 'urgent', key: string) => {
    const r = await t.call('POST', '/api/messages', {
      token: operator,
      body: { to, text, priority },
      headers: { 'idempotency-key': key },
    });
    expect(r.status).toBe(201);
    return r.body.messageId as string;
  };
  const readCount = async (id: string) => {
    const sent = (await t.call('GET', '/api/messages', { token: operator })).body as { messageId: string; read: number }[];
    return sent.find((m) => m.messageId === id)?.read;
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    t = await startTestApp({}, 'petugas_messages');
    operator = await t.login('operator', 'operator123');
    phone = await launchPhone();
    await phone.page.goto(`${t.url}/petugas`);
    await signInOnPhone(phone.page, TPS);
    await phone.page.locator('[data-testid="kelurahan"]').waitFor();
  });
  afterAll(async () => {
    await phone?.close();
    await t?.close();
  });

  it('shows an urgent message to its kelurahan live on the home screen, and not one sent to another kelurahan', async () => {
    const { page } = phone;
    await send({ kelurahan: [OTHER_KEL] }, 'Pesan untuk kelurahan lain', 'urgent', 'phone-msg-other-0001');
    const id = await send({ kelurahan: [KEL] }, 'Kirim foto C.Hasil sekarang, jaringan sedang baik.', 'urgent', 'phone-msg-urgent-0001');
    const banner = page.locator('[data-testid="inbox-new"]');
    await banner.waitFor();
    expect(await banner.getAttribute('data-urgent')).toBe('true');
    expect((await banner.textContent())?.trim()).toBe('Pesan PENTING dari posko (1) · Baca');
    await shot(page, 'msg-01-home-urgent');
    expect(await readCount(id)).toBe(0);

    await banner.tap();
    await page.locator(`[data-testid="inbox-${id}"]`).waitFor();
    expect(await page.locator(`[data-testid="inbox-${id}"] .text`).textContent()).toBe(
      'Kirim foto C.Hasil sekarang, jaringan sedang baik.',
    );
    expect(await page.locator('[data-testid="inbox"] li').count()).toBe(1);
    await shot(page, 'msg-02-inbox');
    // Opening the list sent the receipt: the posko's count moves (through the projection, so poll the route briefly).
    expect(
      await until(
        () => readCount(id),
        (n) => n === 1,
      ),
    ).toBe(1);
    await page.locator('[data-testid="back"]').tap();
    await page.locator('[data-testid="inbox-new"]').waitFor({ state: 'detached' });
  });

  it('gets a message sent while the phone was offline when it is back, and keeps the list for reading offline', async () => {
    const { page, context } = phone;
    // The service worker serves the app offline once it controls the page.
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, { timeout: 20_000 });
    await context.setOffline(true);
    const id = await send({ tps: [TPS] }, 'Rapat singkat petugas pukul 16.00 di kantor lurah.', 'normal', 'phone-msg-offline-0001');
    await context.setOffline(false);
    const banner = page.locator('[data-testid="inbox-new"]');
    await banner.waitFor({ timeout: 45_000 });
    expect(await banner.getAttribute('data-urgent')).toBe('false');
    await banner.tap();
    await page.locator(`[data-testid="inbox-${id}"]`).waitFor();
    expect(await page.locator('[data-testid="inbox"] li').count()).toBe(2);
    expect(
      await until(
        () => readCount(id),
        (n) => n === 1,
      ),
    ).toBe(1);

    await context.setOffline(true);
    await page.reload();
    await page.locator(`[data-testid="inbox-${id}"]`).waitFor();
    await page.locator('[data-testid="inbox-offline"]').waitFor();
    await shot(page, 'msg-03-inbox-offline');
    await context.setOffline(false);
  });
});
