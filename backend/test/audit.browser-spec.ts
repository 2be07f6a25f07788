/// <reference lib="dom" />
/**
 * The auditor's screens in Chromium over a small scripted election day: tallies, corrections and a paper form written
 * through the API, then `es.events.recorded_at` rewritten to their scripted WIB times (as audit.e2e-spec.ts does) before
 * any as-of question, so the time slider can be moved to moments before and after them.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { goodTally, startTestApp, type TestApp } from './support/app.js';
import {
  ARTIFACTS_DIR,
  describeInChromium,
  launchChromium,
  signIn,
  textOf,
  waitForAttr,
  waitForText,
  type LaunchedBrowser,
} from './support/browser.js';

const [A, C] = ['1673061002001', '1673011001001'];
const [KEL_A, KEC_A] = ['1673061002', '167306'];
const REASON_A = 'salah baca angka paslon 01 dan 02';
// Typed by a person, so it can start like a spreadsheet formula: the CSV export must neutralise it.
const REASON_C = '=1+1 angka paslon 01 salah tulis';
const wib = (hhmm: string) => new Date(`2024-02-14T${hhmm}:00+07:00`).toISOString();
const votes = (v: [number, number, number], extra = {}) => ({ ...goodTally({ votes: { '01': v[0], '02': v[1], '03': v[2] } }), ...extra });
/** The slider counts minutes from election day 00:00 WIB. */
const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
/** "13.00" or "13:00", whichever the browser's Indonesian time format uses. */
const asOfLabel = (hhmm: string) => new RegExp(`^Data per pukul ${hhmm.replace(':', '[.:]')} WIB \\(putar ulang log\\)$`);

async function download(page: Page, testId: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-testid="${testId}"]`).click()]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

describeInChromium('audit screens in Chromium', () => {
  let t: TestApp;
  let launched: LaunchedBrowser;
  let page: Page;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    // No background as-of fold: the test rewrites recorded_at after writing (see audit.e2e-spec.ts).
    t = await startTestApp({ ELECTION_DATE: '2024-02-14', AS_OF_BUILD_INTERVAL_SECONDS: '0' }, 'auditui');
    const tok: Record<string, string> = {
      A: await t.login(A, '123456'),
      C: await t.login(C, '123456'),
      operator: await t.login('operator', 'operator123'),
      auditor: await t.login('auditor', 'auditor123'),
    };
    const day: [string, string, string, string, unknown][] = [
      ['checkinA', '06:50', 'A', `/api/tps/${A}/check-in`, { at: '2024-02-14T06:50:00+07:00' }],
      ['tallyA', '13:30', 'A', `/api/tps/${A}/tally`, votes([60, 80, 35])],
      ['correctA', '14:30', 'A', `/api/tps/${A}/tally/corrections`, votes([65, 75, 35], { expectedRevision: 1, reason: REASON_A })],
      ['tallyC', '15:30', 'C', `/api/tps/${C}/tally`, votes([70, 70, 35])],
      ['paperA', '16:30', 'auditor', `/api/tps/${A}/paper-forms`, votes([60, 80, 35])],
      ['correctC', '17:00', 'operator', `/api/tps/${C}/tally/corrections`, votes([71, 69, 35], { expectedRevision: 0, reason: REASON_C })],
    ];
    let last = '';
    for (const [name, , who, path, body] of day) {
      const r = await t.call('POST', path, { token: tok[who], body });
      expect([name, r.status]).toEqual([name, 201]);
      ids[name] = r.body.eventId;
      last = r.body.position;
    }
    const db = new pg.Client({ connectionString: t.db.url });
    await db.connect();
    try {
      for (const [name, hhmm] of day) await db.query(`UPDATE es.events SET recorded_at = $2 WHERE event_id = $1`, [ids[name], wib(hhmm)]);
    } finally {
      await db.end();
    }
    expect((await t.call('GET', `/api/summary?minPosition=${last}`, { token: tok.operator })).status).toBe(200);
    launched = await launchChromium({ width: 1600, height: 1000 });
    page = await launched.newPage();
  });
  afterAll(async () => {
    await launched?.close();
    await t?.close();
  });

  it('hides the audit screens from the display account', async () => {
    await page.goto(`${t.url}/masuk`);
    await signIn(page, 'display', 'display123');
    await page.locator('[data-testid="nav-wall"]').waitFor();
    expect(await page.locator('[data-testid="nav-audit"]').count()).toBe(0);
    await page.goto(`${t.url}/audit/koreksi`);
    await waitForText(page, 'audit-refused', 'Halaman audit hanya untuk akun auditor, kepala posko, operator posko, dan admin.');
    await page.evaluate(() => localStorage.clear());
  });

  it('opens a TPS timeline from the search box, with the correction field by field and its reason, and its CSV', async () => {
    await page.goto(`${t.url}/masuk`);
    await signIn(page, 'auditor', 'auditor123');
    await page.locator('[data-testid="nav-audit"]').click();
    await page.waitForURL(`${t.url}/audit`);
    await page.locator('[data-testid="tps-search-input"]').fill(`${A.slice(0, 10)} ${A.slice(10)}`);
    await page.locator('[data-testid="tps-search-submit"]').click();
    await page.waitForURL(`${t.url}/audit/tps/${A}`);
    await waitForAttr(page, 'timeline-event-3', 'data-type', 'PaperFormRecorded');
    const types = await page.locator('[data-testid^="timeline-event-"] .type').allTextContents();
    expect(types).toEqual(['Kedatangan petugas', 'Hasil hitung', 'Koreksi', 'Formulir kertas']);
    expect(await textOf(page, 'timeline-event-2')).toContain(`oleh ${A} (Petugas TPS)`);
    await waitForText(page, 'reason-2', `Alasan: ${REASON_A}`);
    const changed = page.locator('[data-testid^="diff-2-"][data-before]');
    expect(await changed.evaluateAll((rows) => rows.map((r) => [r.children[0].textContent, r.dataset.before, r.dataset.after]))).toEqual([
      ['Suara paslon 01', '60', '65'],
      ['Suara paslon 02', '80', '75'],
    ]);
    expect(await page.locator('[data-testid="diff-3-votes.01"]').getAttribute('data-after')).toBe('60');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'audit-tps-timeline.png'), fullPage: true });
    const csv = await download(page, 'history-csv');
    expect(csv.name).toBe(`tps-${A}-riwayat.csv`);
    expect(csv.text).toContain(`"${REASON_A}"`);
    expect(csv.text).toContain('"votes.01: 60 -> 65; votes.02: 80 -> 75"');
  });

  it('links a TPS row of the kelurahan view to its timeline', async () => {
    await page.goto(`${t.url}/kelurahan/${KEL_A}`);
    await page.locator(`[data-testid="tps-history-${A}"]`).click();
    await page.waitForURL(`${t.url}/audit/tps/${A}`);
    await waitForAttr(page, 'timeline-event-2', 'data-type', 'TallyCorrected');
  });

  it('replays the city at a moment chosen on the slider: without the tally before it, with it after', async () => {
    await page.goto(`${t.url}/audit/waktu`);
    const slider = page.locator('[data-testid="time-slider"]');
    // Opens on the latest moment the slider reaches: everything of the day counted, corrections included.
    await waitForText(page, 'asof-valid-votes', '350');
    await waitForAttr(page, 'asof-candidate-01', 'data-votes', String(65 + 71));

    await slider.fill(String(minuteOf('13:00')));
    await waitForText(page, 'asof-label', asOfLabel('13:00'));
    expect([await textOf(page, 'asof-valid-votes'), await textOf(page, 'asof-tps-reported')]).toEqual(['0', '0 / 635']);
    await waitForAttr(page, `asof-kel-${KEL_A}`, 'data-reported', '0');

    await slider.fill(String(minuteOf('14:00')));
    await waitForText(page, 'asof-label', asOfLabel('14:00'));
    expect(await textOf(page, 'asof-valid-votes')).toBe('175');
    expect(await page.locator('[data-testid="asof-candidate-01"]').getAttribute('data-votes')).toBe('60');
    expect(await page.locator(`[data-testid="asof-kel-${KEL_A}"]`).getAttribute('data-reported')).toBe('1');

    // Dragging by keyboard sends a burst of moves; the screen settles on where the slider rests, after the correction.
    await slider.focus();
    for (let i = 0; i < 40; i++) await slider.press('ArrowRight');
    await waitForText(page, 'asof-label', asOfLabel('14:40'));
    expect(await page.locator('[data-testid="asof-candidate-01"]').getAttribute('data-votes')).toBe('65');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'audit-time-slider.png') });

    await page.locator('[data-testid="asof-latest"]').click();
    await waitForText(page, 'asof-valid-votes', '350');
    expect(await page.locator('[data-testid="asof-candidate-01"]').getAttribute('data-votes')).toBe(String(65 + 71));
    expect(await textOf(page, 'asof-tps-reported')).toBe('2 / 635');
  });

  it('lists corrections newest first, exports them with formulas neutralised, and filters by kelurahan', async () => {
    await page.goto(`${t.url}/audit/koreksi`);
    const rows = page.locator('[data-testid^="correction-"][data-tps]');
    await page.locator(`[data-testid="correction-${ids.correctA}"]`).waitFor();
    expect(await rows.evaluateAll((r) => r.map((x) => x.dataset.tps))).toEqual([C, A]);
    expect(await textOf(page, `correction-${ids.correctA}`)).toContain(REASON_A);
    const all = await download(page, 'corrections-csv');
    expect(all.text).toContain(`"'${REASON_C}"`);

    await page.locator('[data-testid="filter-kecamatan"]').selectOption(KEC_A);
    await page.locator('[data-testid="filter-kelurahan"]').selectOption(KEL_A);
    await page.locator('[data-testid="corrections-apply"]').click();
    await page.locator(`[data-testid="correction-${ids.correctC}"]`).waitFor({ state: 'detached' });
    expect(await rows.evaluateAll((r) => r.map((x) => x.dataset.tps))).toEqual([A]);
    await waitForText(page, 'corrections-count', '1 koreksi ditampilkan');
    const filtered = await download(page, 'corrections-csv');
    expect(filtered.text.trimEnd().split('\r\n')).toHaveLength(2);
    expect(filtered.text).toContain(REASON_A);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'audit-corrections.png'), fullPage: true });

    await page.locator(`[data-testid="correction-tps-${ids.correctA}"]`).click();
    await page.waitForURL(`${t.url}/audit/tps/${A}`);
  });

  it('shows the paper form that differs from the online tally side by side, and the TPS without one', async () => {
    await page.goto(`${t.url}/audit/formulir`);
    await page.locator(`[data-testid="mismatch-${A}"]`).waitFor();
    const fields = page.locator(`[data-testid^="mismatch-fields-${A}-"][data-before]`);
    expect(await fields.evaluateAll((r) => r.map((x) => [x.children[0].textContent, x.dataset.before, x.dataset.after]))).toEqual([
      ['Suara paslon 01', '65', '60'],
      ['Suara paslon 02', '75', '80'],
    ]);
    expect(await page.locator(`[data-testid="mismatch-${A}"] th`).allTextContents()).toEqual(['Kolom formulir', 'Online', '', 'Kertas']);
    await waitForAttr(page, 'paper-missing-reported', 'data-count', '1');
    expect(await textOf(page, 'paper-missing-reported')).toContain(`TPS ${C.slice(10)}`);
    expect(await textOf(page, 'paper-missing-count')).toBe('634');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'audit-paper-forms.png'), fullPage: true });
    const csv = await download(page, 'paper-csv');
    expect(csv.text).toContain(`"${A}","Ulak Lebar","berbeda","Suara paslon 01","65","60"`);
  });
});
