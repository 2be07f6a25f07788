/// <reference lib="dom" />
/**
 * Helpers of the officers' app browser suites: a phone (360x640, touch, granted position) in Debian's Chromium, and
 * the steps a monitor takes. Launch flags as in support/browser.ts; a phone needs mobile emulation on top.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ARTIFACTS_DIR, CHROMIUM_ARGS, CHROMIUM_PATH } from './support/browser.js';

export const PIN = '123456';
export const POSITION = { latitude: -3.2967, longitude: 102.8617, accuracy: 15 };

export interface Phone {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launchPhone(): Promise<Phone> {
  const profile = mkdtempSync(join(tmpdir(), 'sp-phone-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 360, height: 640 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    locale: 'id-ID',
    timezoneId: 'Asia/Jakarta',
    geolocation: POSITION,
    permissions: ['geolocation'],
    args: CHROMIUM_ARGS,
  });
  context.setDefaultTimeout(20_000);
  const page = context.pages()[0] ?? (await context.newPage());
  // A script error in the app fails loudly in the test log rather than as a distant timeout.
  page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves the screen as the monitor sees it, after checking nothing is wider than the phone (a wide box zooms the page out). */
export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.screenshot({ path: join(ARTIFACTS_DIR, `petugas-${name}.png`), fullPage });
  if (width > 360) throw new Error(`screen ${name} is ${width}px wide, wider than the 360px phone`);
}

export async function signInOnPhone(page: Page, nip: string, pin = PIN): Promise<void> {
  await page.locator('input[name="nip"]').fill(nip);
  await page.locator('input[name="pin"]').fill(pin);
  await page.locator('[data-action="login"]').tap();
}

/** Waits until the sync state shows this many reports waiting. */
export async function waitForOutbox(page: Page, n: number, timeout = 20_000): Promise<void> {
  try {
    await page.locator(`[data-outbox-count="${n}"]`).waitFor({ state: 'attached', timeout });
  } catch (e) {
    const now = await page
      .locator('[data-outbox-count]')
      .getAttribute('data-outbox-count')
      .catch(() => null);
    throw new Error(`outbox never showed ${n} waiting (it shows ${now}): ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
}

/** The C.Hasil boxes of a consistent form (DPT 250: 180 voters, 175 valid + 5 invalid), by API field path; the desk screens' tests type it too. */
export const GOOD: Record<string, number> = {
  'voters.dpt': 250,
  'voters.fromDpt': 170,
  'voters.fromDptb': 6,
  'voters.fromDpk': 4,
  'ballots.received': 255,
  'ballots.used': 180,
  'ballots.spoiled': 2,
  'ballots.unused': 73,
  disabledVoters: 3,
  'votes.01': 60,
  'votes.02': 80,
  'votes.03': 35,
  invalid: 5,
};

/** Types a C.Hasil into the shared form (lib/tally/TallyEntry.svelte: inputs named by API path), inside `scope` if given. */
export async function fillTally(page: Page, values: Record<string, number>, scope = ''): Promise<void> {
  for (const [path, v] of Object.entries(values)) await page.locator(`${scope} input[name="${path}"]`.trim()).fill(String(v));
}

/** Home -> tally form -> review -> send. */
export async function sendTally(page: Page, values: Record<string, number>): Promise<void> {
  await page.locator('[data-go="tally"]').tap();
  await fillTally(page, values);
  await page.locator('[data-action="tally"]').tap();
  await page.locator('[data-testid="review"]').waitFor();
  await page.locator('[data-action="tally"]').tap();
  await page.locator('[data-screen="home"]').waitFor();
}

export async function sendIncident(page: Page, category: string, description: string): Promise<void> {
  await page.locator('[data-go="incident"]').tap();
  await page.locator('select[name="category"]').selectOption(category);
  await page.locator('select[name="severity"]').selectOption('high');
  await page.locator('textarea[name="description"]').fill(description);
  await page.locator('[data-action="incident"]').tap();
  await page.locator('[data-testid="incident-saved"]').waitFor();
}

/** Event types of a TPS's history, as the server holds them. */
export async function historyTypes(url: string, tpsId: string, token: string): Promise<string[]> {
  const res = await fetch(`${url}/api/tps/${tpsId}/history`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { events: { type: string }[] };
  return body.events.map((e) => e.type);
}
