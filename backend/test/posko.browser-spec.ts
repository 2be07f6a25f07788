/// <reference lib="dom" />
// The posko console in Chromium: the incident queue and its actions, the roll call (and its pages on a small nation),
// messages; the wall's overdue mark.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.js';
import {
  ARTIFACTS_DIR,
  REPO_ROOT,
  describeInChromium,
  launchChromium,
  signInToPosko,
  waitForAttr,
  waitForText,
  type LaunchedBrowser,
} from './support/browser.js';
import { GOOD } from './petugas-phone.js';
import { parseReferenceCsv } from '../src/reference/reference-data.js';
import { syntheticNationCsv } from '../src/reference/synthetic-nation.js';

const KEL = '1673061002'; // Ulak Lebar, 15 TPS
const TPS = `${KEL}005`;
const MIN = 60_000;

describeInChromium('posko console in Chromium', () => {
  let t: TestApp;
  let launched: LaunchedBrowser;
  let page: Page;
  let officer: string;

  const report = async (severity: string, description: string) => {
    const r = await t.call('POST', `/api/tps/${TPS}/incidents`, { token: officer, body: { category: 'medical', severity, description } });
    expect(r.status).toBe(201);
    return r.body.incidentId as string;
  };
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS_DIR, name), fullPage: false });

  beforeAll(async () => {
    if (!existsSync(join(REPO_ROOT, 'dashboard/dist/index.html')))
      throw new Error('the dashboard is not built: run `npm run build -w dashboard` first');
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    // Low incidents get 2 minutes to be acknowledged here, critical ones 5: the wall test needs one late and one not.
    t = await startTestApp({ INCIDENT_DEADLINES: 'critical=5/30,high=15/60,medium=30/240,low=2/720' }, 'posko_browser');
    officer = await t.login(TPS, '123456');
    launched = await launchChromium();
    page = await launched.newPage();
    await page.clock.install();
    await signInToPosko(page, t.url, 'operator', 'operator123');
    await page.goto(`${t.url}/posko`);
    await page.locator('[data-testid="posko-page"]').waitFor();
  });
  afterAll(async () => {
    await launched?.close();
    await t?.close();
  });

  it('queues a reported incident live, marks it overdue after its deadline, and takes it through the actions', async () => {
    const id = await report('critical', 'Pemilih lansia pingsan di antrean');
    const item = `queue-item-${id}`;
    await waitForAttr(page, item, 'data-overdue', 'false');
    await waitForText(page, `queue-due-${id}`, /^Terima sebelum \d\d[.:]\d\d$/);
    await page.clock.fastForward(6 * MIN);
    await waitForAttr(page, item, 'data-overdue', 'true');
    await waitForText(page, `queue-due-${id}`, 'Terlambat diterima');

    await page.locator(`[data-testid="${item}"]`).focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="incident-detail"]').waitFor();
    await waitForText(page, 'detail-phone', '0000-DEMO-002005');
    expect(await page.locator('[data-testid="detail-phone"]').getAttribute('href')).toBe('tel:0000-DEMO-002005');
    // A medical incident: the ambulance number first, then the posko, each a tap to call.
    await waitForText(page, 'contact-ambulance', 'Ambulans / Gawat Darurat · 118');
    expect(await page.locator('[data-testid="contact-ambulance"]').getAttribute('href')).toBe('tel:118');
    await page.locator('[data-testid="contact-posko"]').waitFor();
    await shot('posko-queue-overdue.png');

    await page.locator('[data-testid="action-acknowledge"]').click();
    await waitForAttr(page, item, 'data-state', 'acknowledged');
    await page.locator('[data-testid="action-assign"]').click();
    await page.locator('[data-testid="assign-to"]').fill('admin');
    await page.locator('[data-testid="action-note"]').fill('Hubungi puskesmas terdekat');
    await page.locator('[data-testid="action-submit"]').click();
    await waitForAttr(page, item, 'data-state', 'assigned');
    await page.locator('[data-testid="action-escalate"]').click();
    await page.locator('[data-testid="escalate-to"]').selectOption('ambulance');
    await page.locator('[data-testid="action-note"]').fill('Butuh ambulans');
    await page.locator('[data-testid="action-submit"]').click();
    await waitForAttr(page, item, 'data-state', 'escalated');
    await waitForText(page, 'detail-history', /Insiden dieskalasi/);
    await shot('posko-incident-detail.png');
    await page.locator('[data-testid="action-resolve"]').click();
    await page.locator('[data-testid="action-note"]').fill('Sudah dibawa ke puskesmas');
    await page.locator('[data-testid="action-submit"]').click();
    await page.locator(`[data-testid="${item}"]`).waitFor({ state: 'detached' });
    const stored = await t.call('GET', `/api/incidents/${id}`, { token: officer });
    expect(stored.body.lifecycle).toMatchObject({ state: 'resolved', assignee: 'admin', acknowledgedBy: 'operator' });
  });

  it('the wall marks an overdue incident and lists it first', async () => {
    const wall = await launched.context.newPage();
    wall.setDefaultTimeout(20_000);
    await wall.clock.install();
    const late = await report('low', 'Tinta sidik jari habis');
    const fresh = await report('critical', 'Kericuhan kecil di luar TPS');
    await wall.goto(`${t.url}/`);
    await waitForAttr(wall, `incident-${fresh}`, 'data-overdue', 'false');
    await wall.clock.fastForward(3 * MIN); // past the low incident's 2 minutes, within the critical one's 5
    await waitForAttr(wall, `incident-${late}`, 'data-overdue', 'true');
    await waitForText(wall, `incident-${late}`, /Terlambat/);
    expect(await wall.locator(`[data-testid="incident-${fresh}"]`).getAttribute('data-overdue')).toBe('false');
    const order = await wall
      .locator('[data-testid="incident-feed"] li')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(order.indexOf(`incident-${late}`)).toBeLessThan(order.indexOf(`incident-${fresh}`));
    // The jump of the page clock looks like a silent socket until the next heartbeat (every 5 s) arrives.
    await wall.locator('[data-testid="conn-warning"][data-status="down"]').waitFor({ state: 'detached' });
    await wall.screenshot({ path: join(ARTIFACTS_DIR, 'posko-wall-overdue.png') });
    await wall.close();
  });

  it('roll call: lists TPS without a check-in with a tel: link, records a call and sends a reserve (Alt+2)', async () => {
    await page.goto(`${t.url}/posko`);
    await page.locator('[data-testid="posko-page"]').waitFor();
    await page.keyboard.press('Alt+2');
    await page.waitForURL(`${t.url}/posko/absensi`);
    const target = `${KEL}007`;
    await page.locator('[data-testid="rollcall-filter"]').fill(target);
    await waitForText(page, `rollcall-tel-${target}`, '0000-DEMO-002007');
    expect(await page.locator(`[data-testid="rollcall-tel-${target}"]`).getAttribute('href')).toBe('tel:0000-DEMO-002007');
    await page.locator(`[data-testid="rollcall-no_answer-${target}"]`).click();
    await waitForText(page, `rollcall-attempts-${target}`, /Tidak diangkat/);
    await page.locator(`[data-testid="reserve-${target}"]`).click();
    await page.locator(`[data-testid="reserve-nip-${target}"]`).fill('cadangan03');
    await page.keyboard.press('Enter');
    await waitForText(page, 'rollcall-message', /cadangan03 sekarang memegang TPS 7 Ulak Lebar/);
    await shot('posko-rollcall.png');
    const monitor = await t.call('GET', `/api/tps/${target}/officer`, { token: await t.login('operator', 'operator123') });
    expect(monitor.body.monitor.nip).toBe('cadangan03');
    // A monitor who arrives leaves the list at once: the check-in's live push reloads the roll call (no polling).
    const arrives = `${KEL}008`;
    await page.locator('[data-testid="rollcall-filter"]').fill(arrives);
    await page.locator(`[data-testid="rollcall-tel-${arrives}"]`).waitFor();
    const checkIn = await t.call('POST', `/api/tps/${arrives}/check-in`, { token: await t.login(arrives, '123456'), body: {} });
    expect(checkIn.status).toBe(201);
    await page.locator(`[data-testid="rollcall-tel-${arrives}"]`).waitFor({ state: 'detached' });
  });

  it('messages: sends to a kelurahan picked from the reference data and shows how many of its monitors read it', async () => {
    await page.keyboard.press('Alt+3');
    await page.waitForURL(`${t.url}/posko/pesan`);
    await page.locator('[data-testid="message-kelurahan"]').selectOption(KEL);
    await page.locator('[data-testid="message-text"]').fill('Kirim C.Hasil sekarang');
    await page.locator('[data-testid="message-urgent"]').check();
    await page.locator('[data-testid="message-send"]').click();
    await waitForText(page, 'message-result', 'Terkirim ke 15 TPS.');
    // The send answered once stored; the sent list is a read model: the screen waits for it as the test does here.
    await page.locator('[data-testid^="sent-reads-"]').first().waitFor();
    const sent = (await t.call('GET', '/api/messages', { token: await t.login('operator', 'operator123') })).body as {
      messageId: string;
    }[];
    const id = sent[0].messageId;
    await waitForText(page, `sent-reads-${id}`, '0 dari 15 dibaca');
    const read = await t.call('POST', `/api/messages/${id}/read`, { token: officer });
    expect(read.status).toBe(201);
    // Pushed on the live channel, not polled (the fallback poll is a minute): no clock jump needed.
    await waitForText(page, `sent-reads-${id}`, '1 dari 15 dibaca');
    await shot('posko-messages.png');
  });

  it('TPS search: shows the state and enters a first tally on the monitor’s behalf with the shared form (Alt+4)', async () => {
    await page.keyboard.press('Alt+4');
    await page.waitForURL(`${t.url}/posko/tps`);
    const target = `${KEL}009`;
    // Found by the kelurahan's name and the TPS number, as the monitor says it on the phone.
    const kelName = (await t.call('GET', `/api/kelurahan/${KEL}`, { token: officer })).body.name as string;
    await page.locator('[data-testid="tps-query"]').fill(`${kelName.toLowerCase()} tps 9`);
    await page.keyboard.press('Enter');
    await waitForText(page, 'tps-state', 'Petugas belum hadir');
    expect(await page.locator('[data-testid="tps-query"]').inputValue()).toBe(target);
    // The officers' app's own form: a misread box is caught while typing, by the server's rules module.
    const boxes = Object.entries({ ...GOOD, disabledVoters: 1 });
    const box = (path: string) => page.locator(`[data-testid="onbehalf-${path}"]`);
    for (const [path, v] of boxes) await box(path).fill(String(path === 'ballots.used' ? 18 : v));
    await page.locator('[data-testid="onbehalf"] [data-rule="BALLOTS_USED"]').waitFor();
    expect(await page.locator('[data-testid="onbehalf-submit"]').isDisabled()).toBe(true);
    await shot('posko-tps-onbehalf-misread.png');
    await box('ballots.used').fill('180');
    await page.locator('[data-testid="onbehalf"] [data-rule]').first().waitFor({ state: 'detached' });
    await page.locator('[data-testid="onbehalf-reason"]').fill('HP petugas rusak, angka dibacakan lewat telepon');
    await page.locator('[data-testid="onbehalf-source"]').selectOption('phone');
    await page.locator('[data-testid="onbehalf-submit"]').click();
    await waitForText(page, 'onbehalf-result', 'Hasil tersimpan, ditandai dientri posko.');
    await waitForText(page, 'tps-posko-entry', 'Dientri posko (telepon) · operator');
    await shot('posko-tps-onbehalf.png');
    const view = await t.call('GET', `/api/tps/${target}`, { token: officer });
    expect(view.body.tallies[0]).toMatchObject({
      votes: { '01': 60, '02': 80, '03': 35 },
      enteredByPosko: { by: 'operator', source: 'phone' },
    });
  });
});

describeInChromium('posko roll call on a small synthetic nation, a page at a time', () => {
  // 60 TPS in 3 provinces; 4 check in, so 56 are missing: more than a page of 20 (the page's `?limit=`).
  const NATION = { provinsi: 3, kabupaten: 4, kecamatan: 6, kelurahan: 12, tps: 60 };
  let t: TestApp;
  let dir: string;
  let launched: LaunchedBrowser;
  let page: Page;
  let ids: string[];

  beforeAll(async () => {
    if (!existsSync(join(REPO_ROOT, 'dashboard/dist/index.html')))
      throw new Error('the dashboard is not built: run `npm run build -w dashboard` first');
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'sp-rollcall-'));
    const file = join(dir, 'nation.csv');
    const csv = [...syntheticNationCsv(NATION, 3)];
    writeFileSync(file, csv.join('\n') + '\n');
    ids = parseReferenceCsv(csv.join('\n'))
      .tps.map((x) => x.id)
      .sort();
    t = await startTestApp({ REFERENCE_FILE: file }, 'posko_rollcall_nation');
    for (const id of [ids[0], ids[1], ids[30], ids[59]]) {
      const r = await t.call('POST', `/api/tps/${id}/check-in`, { token: await t.login(id, '123456'), body: {} });
      expect(r.status).toBe(201);
    }
    launched = await launchChromium();
    page = await launched.newPage();
    await signInToPosko(page, t.url, 'operator', 'operator123');
  });
  afterAll(async () => {
    await launched?.close();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the first page and the total, then loads the rest with "Muat lebih banyak", in code order', async () => {
    const missing = ids.filter((_, i) => ![0, 1, 30, 59].includes(i));
    await page.goto(`${t.url}/posko/absensi?limit=20`);
    await waitForText(page, 'rollcall-summary', /^56 TPS belum check-in setelah batas 07[.:]30 WIB$/);
    await waitForText(page, 'rollcall-count', /^Menampilkan 20 dari 56/);
    const shown = () => page.locator('[data-testid^="rollcall-row-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(await shown()).toEqual(missing.slice(0, 20).map((id) => `rollcall-row-${id}`));
    await page.locator('[data-testid="rollcall-count"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'posko-rollcall-page1.png') });

    await page.locator('[data-testid="rollcall-more"]').click();
    await waitForText(page, 'rollcall-count', /^Menampilkan 40 dari 56/);
    await page.locator('[data-testid="rollcall-more"]').click();
    await waitForText(page, 'rollcall-count', /^Menampilkan 56 dari 56/);
    await page.locator('[data-testid="rollcall-more"]').waitFor({ state: 'detached' });
    expect(await shown()).toEqual(missing.map((id) => `rollcall-row-${id}`));

    // A check-in's push reloads every page shown so far: the TPS leaves, the rest stay.
    const arrives = missing[45];
    const r = await t.call('POST', `/api/tps/${arrives}/check-in`, { token: await t.login(arrives, '123456'), body: {} });
    expect(r.status).toBe(201);
    await page.locator(`[data-testid="rollcall-row-${arrives}"]`).waitFor({ state: 'detached' });
    await waitForText(page, 'rollcall-count', /^Menampilkan 55 dari 55/);
    await page.locator('[data-testid="rollcall-count"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'posko-rollcall-all-pages.png') });
  });
});
