/// <reference lib="dom" />
/**
 * "Unduh laporan" in Chromium: the kelurahan view and the auditor screens download the server's reports with the
 * signed-in token; the downloaded XLSX is read back with exceljs and equals the kelurahan's rows, the PDF is rendered
 * (pdftoppm) into backend/test-artifacts/ next to screenshots of the screens.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { goodTally, startTestApp, type TestApp } from './support/app.js';
import { ARTIFACTS_DIR, describeInChromium, launchChromium, signInToPosko, type LaunchedBrowser } from './support/browser.js';

const KEL = '1673061002';
const [A, B] = ['1673061002001', '1673061002002'];

async function download(page: Page, testId: string): Promise<{ name: string; path: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-testid="${testId}"]`).click()]);
  return { name: file.suggestedFilename(), path: await file.path() };
}

describeInChromium('report downloads in Chromium', () => {
  let t: TestApp;
  let launched: LaunchedBrowser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    t = await startTestApp({}, 'reportsui');
    let last = '';
    for (const [tps, v] of [
      [A, { '01': 60, '02': 80, '03': 35 }],
      [B, { '01': 100, '02': 50, '03': 25 }],
    ] as const) {
      const r = await t.call('POST', `/api/tps/${tps}/tally`, { token: await t.login(tps, '123456'), body: goodTally({ votes: v }) });
      expect(r.status).toBe(201);
      last = r.body.position;
    }
    const op = await t.login('operator', 'operator123');
    const inc = await t.call('POST', `/api/tps/${A}/incidents`, {
      token: op,
      body: { category: 'security', severity: 'high', description: 'keributan kecil' },
    });
    expect(inc.status).toBe(201);
    expect((await t.call('GET', `/api/summary?minPosition=${inc.body.position ?? last}`, { token: op })).status).toBe(200);
    launched = await launchChromium({ width: 1600, height: 1000 });
    page = await launched.newPage();
    await signInToPosko(page, t.url, 'operator', 'operator123');
  });
  afterAll(async () => {
    await launched?.close();
    await t?.close();
  });

  it('downloads the kelurahan results as Excel, equal to the kelurahan, and its PDF summary', async () => {
    await page.goto(`${t.url}/kelurahan/${KEL}`);
    await page.locator('[data-testid="report-xlsx"]').waitFor();
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'reports-kelurahan-buttons.png') });
    const xlsx = await download(page, 'report-xlsx');
    expect(xlsx.name).toMatch(new RegExp(`^hasil-${KEL}-tps-\\d{4}-\\d{2}-\\d{2}-\\d{4}\\.xlsx$`));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx.path);
    const kel = (await t.call('GET', `/api/kelurahan/${KEL}`, { token: await t.login('auditor', 'auditor123') })).body;
    const ws = wb.getWorksheet('TPS')!;
    const codes: unknown[] = [];
    ws.eachRow((row, i) => i > 1 && codes.push(row.getCell(2).value));
    expect(codes).toEqual([...kel.tps.map((x: { id: string }) => x.id), KEL]);
    const header = (ws.getRow(1).values as string[]).slice(1);
    expect(ws.getRow(ws.rowCount).getCell(header.indexOf('Suara sah') + 1).value).toBe(kel.validVotes);

    const pdf = await download(page, 'report-pdf');
    expect(pdf.name).toMatch(new RegExp(`^ringkasan-${KEL}-.*\\.pdf$`));
    const file = join(ARTIFACTS_DIR, 'reports-kelurahan-summary.pdf');
    copyFileSync(pdf.path, file);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain(kel.name);
    expect(text).toContain(`Suara sah ${kel.validVotes.toLocaleString('id-ID')}`);
    // The report as opened from the dashboard, page 1 as an image.
    execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', file, join(ARTIFACTS_DIR, 'reports-kelurahan-summary')]);
  });

  it('downloads the incidents report from the auditor screens', async () => {
    await page.goto(`${t.url}/audit`);
    await page.locator('[data-testid="report-incidents"]').waitFor();
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'reports-audit-buttons.png') });
    const x = await download(page, 'report-incidents');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(x.path);
    const ws = wb.getWorksheet('Insiden')!;
    expect([ws.rowCount, ws.getRow(2).getCell(2).value, ws.getRow(2).getCell(7).value]).toEqual([2, A, 'keributan kecil']);
  });

  it('downloads the incidents report from the posko console with the queue’s filters', async () => {
    const op = await t.login('operator', 'operator123');
    const low = await t.call('POST', `/api/tps/${B}/incidents`, {
      token: op,
      body: { category: 'logistics', severity: 'low', description: 'tinta kurang' },
    });
    expect(low.status).toBe(201);
    await page.goto(`${t.url}/posko`);
    await page.locator(`[data-testid="queue-item-${low.body.incidentId}"]`).waitFor();
    await page.locator('[data-testid="queue-severity"]').selectOption('high');
    await page.locator(`[data-testid="queue-item-${low.body.incidentId}"]`).waitFor({ state: 'detached' });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'reports-posko-queue.png') });
    const x = await download(page, 'report-incidents');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(x.path);
    const ws = wb.getWorksheet('Insiden')!;
    const listed = (await t.call('GET', '/api/incidents?status=open&severity=high', { token: op })).body as { incidentId: string }[];
    const ids: unknown[] = [];
    ws.eachRow((row, n) => {
      if (n > 1) ids.push(row.getCell(1).value);
    });
    // The file holds what the screen listed: the high one, not the low one.
    expect(ids.sort()).toEqual(listed.map((i) => i.incidentId).sort());
    expect(ids).not.toContain(low.body.incidentId);
    expect(ids.length).toBeGreaterThan(0);
  });
});
