/// <reference lib="dom" />
/**
 * The officers' app's outbox on a phone with a bad network: offline (the app opens from its service worker, keeps
 * reports across reloads, sends them when the network returns), a server that answers 503 twice first, and answers
 * that retrying cannot fix (shown to fix or discard, never retried). The server's history holds each report once.
 */
import { mkdirSync } from 'node:fs';
import type { Page, Request } from 'playwright-core';
import { goodTally, startTestApp, type TestApp } from './support/app.js';
import { ARTIFACTS_DIR, describeInChromium } from './support/browser.js';
import {
  GOOD,
  fillTally,
  historyTypes,
  launchPhone,
  sendIncident,
  sendTally,
  shot,
  signInOnPhone,
  waitForOutbox,
  type Phone,
} from './petugas-phone.js';

const [OFFLINE, FLAKY, REFUSED, NO_GPS, WRONG_FORM, WRONG_CLOCK] = [
  '1673061002002',
  '1673061002003',
  '1673061002004',
  '1673061002006',
  '1673061002007',
  '1673061002008',
];

async function openSignedIn(t: TestApp, phone: Phone, tpsId: string): Promise<Page> {
  const { page } = phone;
  await page.goto(`${t.url}/petugas/`);
  await signInOnPhone(page, tpsId);
  await page.locator('[data-testid="kelurahan"]').waitFor();
  return page;
}

const count = (types: string[], type: string) => types.filter((x) => x === type).length;

describeInChromium("officers' app: the outbox on a bad network", () => {
  let t: TestApp;
  let auditor: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    t = await startTestApp({}, 'petugasnet');
    auditor = await t.login('auditor', 'auditor123');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('offline: opens from the service worker, keeps 2 reports across a reload, sends each once when back online', async () => {
    const phone = await launchPhone();
    try {
      const page = await openSignedIn(t, phone, OFFLINE);
      // The worker has precached the shell and controls the page once it is active.
      await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, { timeout: 20_000 });
      await phone.context.setOffline(true);
      await page.reload();
      await page.locator('[data-testid="kelurahan"]').waitFor();
      expect(await page.locator('[data-testid="sync"]').textContent()).toContain('luring');
      await sendTally(page, GOOD);
      await waitForOutbox(page, 1);
      await sendIncident(page, 'security', 'Keributan kecil di depan TPS, dilerai warga');
      // The contacts of the category come from the kit kept on the phone: offline too.
      expect(await page.locator('[data-testid="contacts"] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([
        'tel:110',
        expect.stringMatching(/^tel:/),
      ]);
      await page.locator('text=Kembali ke beranda').tap();
      await waitForOutbox(page, 2);
      expect((await page.locator('[data-testid="sync"]').textContent())?.trim()).toMatch(/^2 laporan menunggu dikirim/);
      expect(await historyTypes(t.url, OFFLINE, auditor)).toEqual([]);
      await page.reload();
      await page.locator('[data-testid="kelurahan"]').waitFor();
      await waitForOutbox(page, 2);
      await shot(page, '11-offline-waiting');
      // The address without the slash opens from the worker too (its scope is /petugas).
      await page.goto(`${t.url}/petugas`);
      await waitForOutbox(page, 2);
      await phone.context.setOffline(false);
      await waitForOutbox(page, 0);
      await shot(page, '12-back-online');
      const types = await historyTypes(t.url, OFFLINE, auditor);
      expect([count(types, 'TallySubmitted'), count(types, 'IncidentReported'), types.length]).toEqual([1, 1, 2]);
    } finally {
      await phone.close();
    }
  });

  it('a server that answers 503 twice first (after storing the first try): each report is retried with its key, stored once', async () => {
    const phone = await launchPhone();
    try {
      const page = await openSignedIn(t, phone, FLAKY);
      // Playwright route interception on the two report routes. Try 1 reaches the server (stored) but the phone is told
      // 503; try 2 is answered 503 without reaching it; try 3 goes through, and the server answers from the first.
      const seen: Record<string, { key: string | null; status: number; replayed?: boolean }[]> = { tally: [], incidents: [] };
      await page.route(/\/api\/tps\/\d+\/(tally|incidents)$/, async (route) => {
        const req: Request = route.request();
        const kind = req.url().endsWith('/tally') ? 'tally' : 'incidents';
        const tries = seen[kind];
        const key = (await req.allHeaders())['idempotency-key'] ?? null;
        if (tries.length < 2) {
          if (tries.length === 0) await route.fetch();
          tries.push({ key, status: 503 });
          return route.fulfill({
            status: 503,
            contentType: 'application/json',
            headers: { 'retry-after': '1' },
            body: '{"code":"STORE.UNAVAILABLE"}',
          });
        }
        const res = await route.fetch();
        const body = (await res.json()) as { replayed?: boolean };
        tries.push({ key, status: res.status(), replayed: body.replayed });
        return route.fulfill({ response: res, json: body });
      });
      await sendTally(page, GOOD);
      // Between tries the home screen says what the server answered (while the tally waits, 3-6 s here).
      await page.locator('[data-retrying="tally"]').waitFor();
      expect(await page.locator('[data-retrying="tally"]').textContent()).toContain('Server sedang sibuk');
      await shot(page, '18-retrying');
      await sendIncident(page, 'logistics', 'Tinta sidik jari habis, sudah minta ke PPS');
      await page.locator('text=Kembali ke beranda').tap();
      await waitForOutbox(page, 0, 45_000);
      for (const kind of ['tally', 'incidents']) {
        const tries = seen[kind];
        expect(tries.map((x) => x.status)).toEqual([503, 503, 201]);
        expect(new Set(tries.map((x) => x.key)).size).toBe(1);
        expect(tries[2].replayed).toBe(true);
      }
      const types = await historyTypes(t.url, FLAKY, auditor);
      expect([count(types, 'TallySubmitted'), count(types, 'IncidentReported'), types.length]).toEqual([1, 1, 2]);
    } finally {
      await phone.close();
    }
  });

  it('an answer retrying cannot fix is shown to fix or discard, never retried; a stale correction shows what changed', async () => {
    const phone = await launchPhone();
    try {
      const page = await openSignedIn(t, phone, REFUSED);
      let tallyPosts = 0;
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith(`/api/tps/${REFUSED}/tally`)) tallyPosts += 1;
      });
      // Another phone of this TPS sent the tally first: this phone's tally is refused (409 TALLY.ALREADY_SUBMITTED).
      const officer = await t.login(REFUSED, '123456');
      const first = await t.call('POST', `/api/tps/${REFUSED}/tally`, { token: officer, body: goodTally() });
      expect(first.status).toBe(201);
      await sendTally(page, { ...GOOD, 'votes.01': 61, 'votes.02': 79 });
      const refused = page.locator('[data-rejected="tally"][data-code="TALLY.ALREADY_SUBMITTED"]');
      await refused.waitFor();
      await waitForOutbox(page, 0);
      expect(await refused.textContent()).toContain('Gunakan Koreksi untuk mengubahnya');
      await shot(page, '13-refused');
      await page.reload();
      await refused.waitFor();
      expect(tallyPosts).toBe(1);

      // The monitor fixes it as a correction of that tally ... while the posko corrects it first.
      await refused.locator('[data-fix="tally"]').tap();
      expect(await page.locator('input[name="votes.01"]').inputValue()).toBe('61');
      const operator = await t.login('operator', 'operator123');
      const posko = goodTally({
        votes: { '01': 65, '02': 75, '03': 35 },
        expectedRevision: first.body.revision,
        reason: 'Koreksi posko dari foto C.Hasil',
      });
      expect((await t.call('POST', `/api/tps/${REFUSED}/tally/corrections`, { token: operator, body: posko })).status).toBe(201);
      await page.locator('[data-action="correction"]').tap();
      await page.locator('textarea[name="reason"]').fill('Salah baca angka paslon 01 dan 02');
      await page.locator('[data-action="correction"]').tap();
      const stale = page.locator('[data-rejected="correction"][data-code="TALLY.STALE_REVISION"]');
      await stale.waitFor();
      expect(await page.locator('[data-rejected="tally"]').count()).toBe(0);
      await stale.locator('[data-fix="correction"]').tap();
      await page.locator('[data-testid="stale"] li').first().waitFor();
      expect(await page.locator('[data-testid="stale"] li').allTextContents()).toEqual(['Paslon 01: 60 → 65', 'Paslon 02: 80 → 75']);
      await shot(page, '14-stale-correction');
      await page.locator('[data-action="correction"]').tap();
      expect(await page.locator('textarea[name="reason"]').inputValue()).toBe('Salah baca angka paslon 01 dan 02');
      await page.locator('[data-action="correction"]').tap();
      await page.locator('[data-screen="home"]').waitFor();
      await waitForOutbox(page, 0);
      await page.locator('[data-done="koreksi"]', { hasText: 'Koreksi · 1' }).waitFor();
      expect(await page.locator('[data-rejected]').count()).toBe(0);
      expect(await historyTypes(t.url, REFUSED, auditor)).toEqual(['TallySubmitted', 'TallyCorrected', 'TallyCorrected']);
      // The history reads the log; the TPS view is a projection that may be a moment behind it.
      const last = (await t.call('GET', `/api/tps/${REFUSED}/history`, { token: auditor })).body.events.at(-1).position as string;
      const tps = await t.call('GET', `/api/tps/${REFUSED}?minPosition=${encodeURIComponent(last)}`, { token: auditor });
      expect(tps.body.tallies[0].votes).toEqual({ '01': 61, '02': 79, '03': 35 });
    } finally {
      await phone.close();
    }
  });

  it('checks in without a position, with a note, when location is refused', async () => {
    const phone = await launchPhone();
    try {
      await phone.context.clearPermissions();
      const page = await openSignedIn(t, phone, NO_GPS);
      await page.locator('[data-go="check-in"]').tap();
      const note = page.locator('[data-testid="location-note"].warn');
      await note.waitFor();
      expect(await note.textContent()).toBe('Izin lokasi ditolak. Kehadiran tetap bisa dikirim tanpa lokasi.');
      await shot(page, '16-check-in-no-location');
      await page.locator('[data-action="check-in"]').tap();
      await waitForOutbox(page, 0);
      await page.locator('[data-done="hadir"].yes').waitFor();
      const officer = await t.login('operator', 'operator123');
      const tps = await t.call('GET', `/api/tps/${NO_GPS}`, { token: officer });
      expect([tps.body.state, tps.body.location]).toEqual(['checked_in', null]);
    } finally {
      await phone.close();
    }
  });

  it('a paper form that is itself wrong is sent only after "formulir memang tertulis begini", stored flagged', async () => {
    const phone = await launchPhone();
    try {
      const page = await openSignedIn(t, phone, WRONG_FORM);
      await page.locator('[data-go="tally"]').tap();
      // The form says 3 spoiled ballots where 2 balance it: rule 4 (II.1 = II.2 + II.3 + II.4).
      await fillTally(page, { ...GOOD, 'ballots.spoiled': 3 });
      await page.locator('[data-section="surat"] [data-rule="BALLOTS_BALANCE"]').waitFor();
      await page.locator('[data-action="tally"]').tap();
      await page.locator('[data-testid="review-problems"]').waitFor();
      expect(await page.locator('[data-action="tally"]').isDisabled()).toBe(true);
      await page.locator('input[name="acknowledgeWarnings"]').check();
      await page.locator('[data-testid="review-problems"]').scrollIntoViewIfNeeded();
      await shot(page, '17-tally-acknowledged');
      await page.locator('[data-action="tally"]').tap();
      await page.locator('[data-screen="home"]').waitFor();
      await waitForOutbox(page, 0);
      await page.locator('[data-done="hasil"]', { hasText: 'terkirim' }).waitFor();
      // The TPS view is a read model: read it until it has caught up with the tally (bounded; it lags under load).
      const codes = async () =>
        ((await t.call('GET', `/api/tps/${WRONG_FORM}`, { token: auditor })).body.flags ?? []).map((f: { code: string }) => f.code);
      let flags: string[] = await codes();
      for (const end = Date.now() + 10_000; !flags.includes('BALLOTS_BALANCE') && Date.now() < end;) {
        await new Promise((r) => setTimeout(r, 200));
        flags = await codes();
      }
      expect(flags).toContain('BALLOTS_BALANCE');
    } finally {
      await phone.close();
    }
  });

  it('a phone clock an hour fast: the incident is refused for its time only, and goes again without it', async () => {
    const phone = await launchPhone();
    try {
      const page = await openSignedIn(t, phone, WRONG_CLOCK);
      await page.clock.install({ time: new Date(Date.now() + 3600_000) });
      const answers: number[] = [];
      page.on('response', (r) => {
        if (r.request().method() === 'POST' && r.url().endsWith('/incidents')) answers.push(r.status());
      });
      await sendIncident(page, 'procedure', 'Saksi tidak diberi salinan formulir');
      await page.locator('text=Kembali ke beranda').tap();
      await waitForOutbox(page, 0);
      await page.locator('[data-done="insiden"].yes').waitFor();
      expect(answers).toEqual([400, 201]);
      expect(await page.locator('[data-rejected]').count()).toBe(0);
      expect(await historyTypes(t.url, WRONG_CLOCK, auditor)).toEqual(['IncidentReported']);
    } finally {
      await phone.close();
    }
  });
});
