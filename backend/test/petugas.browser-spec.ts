/// <reference lib="dom" />
/**
 * One monitor's day in the officers' app at /petugas, on an emulated phone (360x640, touch, granted position):
 * sign in, check in, a tally with a misread digit caught before sending, the corrected tally, an incident with its
 * contacts, a correction with its reason, sign out. The server's history then holds each report exactly once.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startTestApp, type TestApp } from './support/app.js';
import { ARTIFACTS_DIR, describeInChromium, REPO_ROOT } from './support/browser.js';
import { GOOD, fillTally, historyTypes, launchPhone, shot, signInOnPhone, waitForOutbox, type Phone } from './petugas-phone.js';

const TPS = '1673061002001';

describeInChromium("officers' app: a monitor's day", () => {
  let t: TestApp;
  let phone: Phone;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    t = await startTestApp({}, 'petugas');
    phone = await launchPhone();
  });
  afterAll(async () => {
    await phone?.close();
    await t?.close();
  });

  it('loads at most 200 KB of gzipped JavaScript on the first visit (its own bundle, not the wall)', () => {
    const dir = join(REPO_ROOT, 'dashboard', 'dist', 'petugas');
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script[^>]+src="\/petugas\/([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toHaveLength(1);
    const gz = scripts.reduce((sum, f) => sum + gzipSync(readFileSync(join(dir, f)), { level: 9 }).length, 0);
    console.log(`officers' app first load: ${scripts.join(', ')}, ${(gz / 1024).toFixed(1)} KB gzipped JavaScript`);
    expect(gz).toBeLessThanOrEqual(200 * 1024);
    expect(readFileSync(join(REPO_ROOT, 'dashboard', 'dist', 'index.html'), 'utf8')).not.toContain('/petugas/');
  });

  it('signs in (a wrong PIN is told in Indonesian), and the session survives a reload', async () => {
    const { page } = phone;
    await page.goto(`${t.url}/petugas`);
    expect(new URL(page.url()).pathname).toBe('/petugas/');
    const manifest = await page.evaluate(() => document.querySelector('link[rel="manifest"]')?.getAttribute('href'));
    expect(manifest).toBe('/petugas/manifest.webmanifest');
    await shot(page, '01-signin');
    await signInOnPhone(page, TPS, '000000');
    await page.locator('[data-testid="signin-error"]').waitFor();
    expect(await page.locator('[data-testid="signin-error"]').textContent()).toBe('NIP atau PIN salah. Periksa lalu coba lagi.');
    await shot(page, '02-signin-error');
    await signInOnPhone(page, TPS);
    await page.locator('[data-testid="kelurahan"]').waitFor();
    await page.reload();
    await page.locator('[data-testid="kelurahan"]').waitFor();
    expect((await page.locator('[data-testid="tps"] h1').textContent())?.trim()).toBe('TPS 001');
    expect(await page.locator('[data-testid="kecamatan"]').textContent()).toMatch(/^Kec\. \S/);
    expect((await page.locator('[data-testid="sync"]').textContent())?.trim()).toBe('✓ semua terkirim');
    expect(await page.locator('[data-testid="next-step"]').textContent()).toContain('Catat kehadiran');
    await shot(page, '03-home');
  });

  it('checks in with the position and its accuracy', async () => {
    const { page } = phone;
    await page.locator('[data-go="check-in"]').tap();
    await page.locator('[data-testid="accuracy"]').waitFor();
    expect(await page.locator('[data-testid="accuracy"]').textContent()).toBe('Akurasi ± 15 m');
    await shot(page, '04-check-in');
    await page.locator('[data-action="check-in"]').tap();
    await page.locator('[data-done="hadir"].yes').waitFor();
    await waitForOutbox(page, 0);
    await page.locator('[data-done="hadir"]', { hasText: 'Hadir ·' }).waitFor();
    expect(await page.locator('[data-testid="next-step"]').textContent()).toContain('hasil hitung');
  });

  it('catches a misread digit as the monitor types, beside its boxes, and sends the corrected tally after review', async () => {
    const { page } = phone;
    await page.locator('[data-go="tally"]').tap();
    // 02 read as 85 instead of 80: V.C 185 against 180 voters.
    await fillTally(page, { ...GOOD, 'votes.02': 85 });
    const rule = page.locator('[data-section="jumlah"] [data-rule="VOTES_VS_VOTERS"]');
    await rule.waitFor();
    expect(await rule.textContent()).toBe('Jumlah suara sah + tidak sah (185) harus sama dengan jumlah pengguna hak pilih (180).');
    expect(await page.locator('input[name="votes.02"]').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('input[name="ballots.used"]').getAttribute('aria-invalid')).toBe('false');
    await rule.scrollIntoViewIfNeeded();
    await shot(page, '05-tally-misread');
    await shot(page, '05b-tally-form-full', true);
    await page.locator('input[name="votes.02"]').fill('80');
    await rule.waitFor({ state: 'detached' });
    expect(await page.locator('[data-rule]').count()).toBe(0);
    await page.locator('[data-action="tally"]').tap();
    await page.locator('[data-testid="review"]').waitFor();
    expect(await page.locator('[data-review="votes.02"] strong').textContent()).toBe('80');
    expect(await page.locator('input[name="acknowledgeWarnings"]').count()).toBe(0);
    await shot(page, '06-tally-review');
    await page.locator('[data-action="tally"]').tap();
    await page.locator('[data-screen="home"]').waitFor();
    await waitForOutbox(page, 0);
    await page.locator('[data-done="hasil"]', { hasText: 'terkirim' }).waitFor();
  });

  it('reports an incident: the emergency contacts of its category show at once, with tap-to-call links', async () => {
    const { page } = phone;
    await page.locator('[data-go="incident"]').tap();
    await page.locator('select[name="category"]').selectOption('medical');
    const links = page.locator('[data-testid="contacts"] a');
    await links.first().waitFor();
    expect(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(['tel:118', expect.stringMatching(/^tel:/)]);
    await page.locator('select[name="severity"]').selectOption('high');
    await page.locator('textarea[name="description"]').fill('Pemilih lansia pingsan di antrean, sudah dibawa ke tempat teduh');
    await shot(page, '07-incident');
    await page.locator('[data-action="incident"]').tap();
    await page.locator('[data-testid="incident-saved"]').waitFor();
    await waitForOutbox(page, 0);
    await shot(page, '08-incident-saved');
    await page.locator('text=Kembali ke beranda').tap();
    await page.locator('[data-done="insiden"].yes').waitFor();
  });

  it('corrects the tally from its current numbers, with a reason of at least 10 characters', async () => {
    const { page } = phone;
    await page.locator('[data-go="correction"]').tap();
    expect(await page.locator('input[name="votes.01"]').inputValue()).toBe('60');
    await fillTally(page, { 'votes.01': 61, 'votes.02': 79 });
    await page.locator('[data-action="correction"]').tap();
    await page.locator('textarea[name="reason"]').fill('salah baca');
    expect(await page.locator('[data-action="correction"]').isDisabled()).toBe(false);
    await page.locator('textarea[name="reason"]').fill('salah');
    expect(await page.locator('[data-action="correction"]').isDisabled()).toBe(true);
    await page.locator('textarea[name="reason"]').fill('Salah baca angka paslon 01 dan 02');
    await shot(page, '09-correction-review');
    await page.locator('[data-action="correction"]').tap();
    await page.locator('[data-screen="home"]').waitFor();
    await waitForOutbox(page, 0);
    await page.locator('[data-done="koreksi"]', { hasText: 'Koreksi · 1' }).waitFor();
    await shot(page, '10-home-done', true);

    const auditor = await t.login('auditor', 'auditor123');
    expect((await historyTypes(t.url, TPS, auditor)).sort()).toEqual([
      'IncidentReported',
      'OfficerCheckedIn',
      'TallyCorrected',
      'TallySubmitted',
    ]);
    const tps = await t.call('GET', `/api/tps/${TPS}`, { token: auditor });
    expect(tps.body.tallies[0].votes).toEqual({ '01': 61, '02': 79, '03': 35 });
  });

  it('signs out: the session is gone, also after a reload', async () => {
    const { page } = phone;
    await page.locator('[data-action="logout"]').tap();
    await page.locator('input[name="nip"]').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('sipantaumilu.petugas.session'))).toBeNull();
    await page.reload();
    await page.locator('[data-action="login"]').waitFor();
    expect(await page.locator('[data-testid="tps"]').count()).toBe(0);
  });
});
