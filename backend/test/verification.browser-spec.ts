/// <reference lib="dom" />
// The verification screens in Chromium: the supervisor's review queue, the blind double entry of paper forms by two
// clerks and the supervisor's decision on it, "ditahan" and "selisih dengan KPU" on the wall and the kelurahan view,
// and KPU's result in the auditor's TPS history.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { hashPin } from '../src/auth/pin-hash.js';
import { importOfficialResults } from '../src/official/official-import.js';
import type { Contests } from '../src/reference/contests.js';
import type { ReferenceData } from '../src/reference/reference-data.js';
import { CONTESTS, REFERENCE_DATA } from '../src/reference/reference.module.js';
import { TpsCommandHandler } from '../src/tps/tps-command.handler.js';
import { goodTally, startTestApp, type TestApp } from './support/app.js';
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
import { fillTally, GOOD } from './petugas-phone.js';

const KEL = '1673061002';
const id = (n: number) => `${KEL}${String(n).padStart(3, '0')}`;
const FLAGGED = id(1);
const PAPER = id(2);
const AGREED = id(4);
const OFFICIAL = id(3);

describeInChromium('verification screens in Chromium', () => {
  let t: TestApp;
  let launched: LaunchedBrowser;
  let page: Page;
  let dir: string;
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS_DIR, name), fullPage: true });
  const as = async (nip: string, pin: string, path: string) => {
    await page.evaluate(() => localStorage.clear());
    await signInToPosko(page, t.url, nip, pin);
    await page.goto(`${t.url}${path}`);
  };
  // The shared C.Hasil form (lib/tally/TallyEntry.svelte): boxes by API path; a reading that breaks a rule is saved
  // only after ticking "as written on the form" (a paper form may itself be wrong: that is what double entry is for).
  const fillForm = async (testid: string, votes: [number, number, number], invalid = 5) => {
    const reading = { ...GOOD, disabledVoters: 0, 'votes.01': votes[0], 'votes.02': votes[1], 'votes.03': votes[2], invalid };
    await fillTally(page, reading, `[data-testid="${testid}"]`);
    const ack = page.locator(`[data-testid="${testid}-ack"]`);
    if (await ack.count()) await ack.check();
    await page.locator(`[data-testid="${testid}-submit"]`).click();
  };

  beforeAll(async () => {
    if (!existsSync(join(REPO_ROOT, 'dashboard/dist/index.html')))
      throw new Error('the dashboard is not built: run `npm run build -w dashboard` first');
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    t = await startTestApp({}, 'verification_browser');
    const db = t.app.get(DataSource);
    await db.query(
      `INSERT INTO users (nip, name, role, tps_id, pin_hash, demo) VALUES ('clerk2', 'Petugas entri 2', 'operator', NULL, $1, false)`,
      [await hashPin('clerk2-pass')],
    );
    for (const n of [1, 2, 3, 4]) {
      const officer = await t.login(id(n), '123456');
      const body = n === 1 ? goodTally({ votes: { '01': 70, '02': 80, '03': 35 }, acknowledgeWarnings: true }) : goodTally();
      expect((await t.call('POST', `/api/tps/${id(n)}/tally`, { token: officer, body })).status).toBe(201);
    }
    // Two clerks typed TPS 004's paper form alike, unlike the online tally (through the API: the screen is tested on 002).
    const operator = await t.login('operator', 'operator123');
    const clerk2 = await t.login('clerk2', 'clerk2-pass');
    const { disabledVoters: _d, ...paper } = goodTally({ votes: { '01': 61, '02': 79, '03': 35 } });
    for (const token of [operator, clerk2])
      expect((await t.call('POST', `/api/tps/${AGREED}/paper-forms`, { token, body: paper })).status).toBe(201);
    // KPU's result for 003 differs from ours (written here in Sirekap's published shape).
    dir = mkdtempSync(join(tmpdir(), 'sirekap-browser-'));
    writeFileSync(
      join(dir, `${OFFICIAL}.json`),
      JSON.stringify({
        chart: { '100025': 50, '100026': 80, '100027': 40 },
        images: [],
        administrasi: null,
        psu: null,
        ts: '2024-02-14 21:46:01',
      }),
    );
    const report = await importOfficialResults(dir, {
      handler: t.app.get(TpsCommandHandler),
      ref: t.app.get<ReferenceData>(REFERENCE_DATA),
      contest: t.app.get<Contests>(CONTESTS).byCode.get('PPWP')!,
    });
    expect(report.imported).toBe(1);
    launched = await launchChromium();
    page = await launched.newPage();
    await page.goto(`${t.url}/masuk`);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await launched?.close();
    await t?.close();
  });

  it('the supervisor holds a flagged tally from the queue; the wall and the kelurahan view show it apart, and the KPU difference', async () => {
    await as('supervisor', 'supervisor123', '/posko/verifikasi');
    const item = `review-item-${FLAGGED}`;
    await waitForAttr(page, item, 'data-status', 'pending');
    await waitForText(page, `review-counted-${FLAGGED}`, 'dihitung');
    await shot('posko-review-queue.png');
    await page.locator(`[data-testid="review-hold-${FLAGGED}"]`).click();
    await waitForText(page, 'review-message', 'Tulis alasan keputusan, paling sedikit 10 huruf.');
    await page.locator(`[data-testid="review-reason-${FLAGGED}"]`).fill('V.C tidak sama dengan B.4, tunggu formulir kertas');
    await page.locator(`[data-testid="review-hold-${FLAGGED}"]`).click();
    await waitForText(page, 'review-message', `TPS ${FLAGGED}: ditahan, tidak dihitung.`);
    await page.locator('[data-testid="review-status-held"]').check();
    await waitForAttr(page, item, 'data-status', 'held');
    await waitForText(page, `review-last-${FLAGGED}`, /ditahan oleh supervisor/);
    await shot('posko-review-held.png');
    const summary = await t.call('GET', '/api/summary', { token: await t.login('display', 'display123') });
    expect(summary.body).toMatchObject({ tpsHeld: 1, official: { tpsDiffering: 1 } });

    await page.goto(`${t.url}/`);
    await waitForText(page, 'tps-held', 'ditahan: 1 TPS');
    await waitForText(page, 'kpu-differing', 'selisih dengan KPU: 1 TPS');
    await shot('wall-verification.png');
    await page.goto(`${t.url}/kelurahan/${KEL}`);
    await waitForText(page, 'kel-held', 'ditahan: 1 TPS');
    await waitForText(page, 'kel-kpu', 'selisih dengan KPU: 1 TPS');
    await waitForText(page, `tps-held-${FLAGGED}`, 'Ditahan kepala posko · supervisor');
    await waitForText(page, `tps-kpu-${OFFICIAL}`, 'Selisih dengan KPU: 01 +10, 03 -5');
    await shot('kelurahan-verification.png');
    // Accepting it brings it back, live: the open page drops the mark without a reload.
    const supervisor = await t.login('supervisor', 'supervisor123');
    const current = (await t.call('GET', `/api/tps/${FLAGGED}`, { token: supervisor })).body.tallies[0].revision as number;
    const accept = await t.call('POST', `/api/tps/${FLAGGED}/tally/review`, {
      token: supervisor,
      body: { revision: current, decision: 'accept', reason: 'Formulir kertas memang begitu' },
    });
    expect(accept.status).toBe(201);
    await page.locator('[data-testid="kel-held"]').waitFor({ state: 'detached' });
    await waitForText(page, 'kel-reported', '4 / 15');
  });

  it('double entry: the first clerk types blind and sees the differences, a second clerk retypes it blind, then the readings', async () => {
    await as('operator', 'operator123', '/posko/kertas');
    await page.locator('[data-testid="paper-tps"]').fill(PAPER);
    await page.locator('[data-testid="paper-open"]').click();
    // Blind: nothing of the online tally on screen before saving.
    expect(await page.locator('[data-testid="paper-round"]').count()).toBe(0);
    expect(await page.locator('[data-testid="paper-entry"]').innerText()).not.toContain('80');
    await fillForm('paper-form', [60, 80, 35], 6);
    await waitForAttr(page, 'paper-saved', 'data-matches', 'false');
    await waitForAttr(page, 'paper-diff-invalid', 'data-after', '6');
    await waitForAttr(page, 'paper-round', 'data-agreement', 'awaiting_second');
    await shot('posko-paper-first.png');

    await as('clerk2', 'clerk2-pass', '/posko/kertas');
    await page.locator('[data-testid="paper-tps"]').fill(PAPER);
    await page.locator('[data-testid="paper-open"]').click();
    expect(await page.locator('[data-testid="paper-round"]').count()).toBe(0);
    await fillForm('paper-form', [60, 80, 35], 5);
    await waitForAttr(page, 'paper-saved', 'data-matches', 'true');
    await waitForAttr(page, 'paper-round', 'data-agreement', 'online_and_second');
    await waitForText(page, 'paper-entry-head-1', 'Entri 1 (operator)');
    await waitForText(page, 'paper-entry-head-2', 'Entri 2 (clerk2)');
    await waitForText(page, 'paper-agreement', /data online benar/);
    await shot('posko-paper-second.png');
  });

  it('the supervisor turns the agreed paper reading into a correction with one action', async () => {
    await as('supervisor', 'supervisor123', '/posko/kertas');
    await page.locator('[data-testid="paper-tps"]').fill(AGREED);
    await page.locator('[data-testid="paper-open"]').click();
    await waitForAttr(page, 'paper-round', 'data-agreement', 'papers_agree');
    await waitForText(page, 'paper-row-votes.01', /61/);
    await shot('posko-paper-agreed.png');
    await page.locator('[data-testid="paper-correct"]').click();
    await waitForText(page, 'paper-message', 'Formulir kertas dicatat sebagai koreksi hasil TPS.');
    // The correction is the online tally now: no entries are typed against it yet, so the comparison closes.
    await page.locator('[data-testid="paper-round"]').waitFor({ state: 'detached' });
    // The TPS view is a read model: read it until it has caught up with the correction (bounded).
    const auditor = await t.login('auditor', 'auditor123');
    let view = await t.call('GET', `/api/tps/${AGREED}`, { token: auditor });
    for (const end = Date.now() + 10_000; !view.body.tallies[0]?.corrected && Date.now() < end;) {
      await new Promise((r) => setTimeout(r, 200));
      view = await t.call('GET', `/api/tps/${AGREED}`, { token: auditor });
    }
    expect(view.body.tallies[0]).toMatchObject({
      votes: { '01': 61, '02': 79, '03': 35 },
      corrected: true,
      enteredByPosko: { by: 'supervisor' },
    });
  });

  it("the auditor's TPS history shows KPU's result beside ours and the supervisor's decisions", async () => {
    await as('auditor', 'auditor123', `/audit/tps/${OFFICIAL}`);
    const official = page.locator('[data-type="OfficialResultImported"]');
    await official.waitFor();
    expect(await official.innerText()).toContain('Hasil resmi KPU (Sirekap)');
    expect(await official.innerText()).toContain('Selisih dengan hasil kita saat diimpor');
    await shot('audit-history-official.png');
    await page.goto(`${t.url}/audit/tps/${FLAGGED}`);
    const reviews = page.locator('[data-type="TallyReviewed"]');
    await reviews.nth(1).waitFor();
    const texts = await reviews.allInnerTexts();
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain('Ditahan: tidak dihitung');
    expect(texts[1]).toContain('Diterima: dihitung');
    for (const text of texts) expect(text).toContain('Kepala posko');
    await shot('audit-history-review.png');
  });
});
